import assert from "node:assert/strict";
import { test } from "node:test";
import { azureTokenUrl } from "./azure-credentials.ts";

test("the token URL is Entra's for the tenant; only the dev-only provider override moves it", () => {
  assert.equal(
    azureTokenUrl("72f988bf-86f1-41af-91ab-2d7cd011db47", undefined),
    "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token",
  );
  assert.equal(
    azureTokenUrl("contoso.onmicrosoft.com", { host: "127.0.0.1", port: 9000, tls: false }),
    "http://127.0.0.1:9000/contoso.onmicrosoft.com/oauth2/v2.0/token",
  );
  assert.equal(
    azureTokenUrl("t", { host: "[::1]", port: 443, tls: true }),
    "https://[::1]:443/t/oauth2/v2.0/token",
  );
});
