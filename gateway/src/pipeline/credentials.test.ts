import assert from "node:assert/strict";
import { test } from "node:test";
import { buildUpstreamHeaders, stripCredentialQuery } from "./credentials.ts";
import { upstreamHostHeader } from "./headers.ts";

const client = {
  host: "gateway.local:8080",
  authorization: "Bearer client-or-gateway-key",
  "api-key": "client-azure",
  "x-api-key": "client-anthropic",
  "x-goog-api-key": "client-google",
  "content-type": "application/json",
  "content-length": "999",
  connection: "keep-alive, x-hop",
  "x-hop": "1",
  "transfer-encoding": "chunked",
  "accept-encoding": "gzip",
  "x-request-id": "r1",
};

function build(auth: Parameters<typeof buildUpstreamHeaders>[0]["auth"], gatewayKey = false) {
  return buildUpstreamHeaders({
    client,
    auth,
    gatewayKeyInAuthorization: gatewayKey,
    extra: { "anthropic-version": "2023-06-01" },
    host: "api.example.com",
    contentLength: 42,
  });
}

test("inject: the provider header carries the credential, every client credential is gone", () => {
  const h = build({
    mode: "inject",
    header: "x-api-key",
    prefix: "",
    credential: "sk-real",
    source: "inline",
  });
  assert.equal(h["x-api-key"], "sk-real");
  for (const name of ["authorization", "api-key", "x-goog-api-key"]) assert.equal(h[name], undefined, name);
  assert.equal(h.host, "api.example.com");
  assert.equal(h["content-length"], "42");
  assert.equal(h["accept-encoding"], "identity");
  assert.equal(h["anthropic-version"], "2023-06-01");
  assert.equal(h["x-request-id"], "r1");
  for (const hop of ["connection", "x-hop", "transfer-encoding"]) assert.equal(h[hop], undefined, hop);
  const bearer = build({
    mode: "inject",
    header: "Authorization",
    prefix: "Bearer ",
    credential: "sk-o",
    source: "inline",
  });
  assert.equal(bearer.authorization, "Bearer sk-o");
});

test("passthrough forwards only the provider's header; never a gateway key", () => {
  const az = build({ mode: "passthrough", header: "api-key" });
  assert.equal(az["api-key"], "client-azure");
  assert.equal(az.authorization, undefined);
  assert.equal(az["x-api-key"], undefined);
  const oa = build({ mode: "passthrough", header: "Authorization" });
  assert.equal(oa.authorization, "Bearer client-or-gateway-key");
  const gw = build({ mode: "passthrough", header: "Authorization" }, true);
  assert.equal(gw.authorization, undefined, "the gateway key is never forwarded");
  const bearerOnly = buildUpstreamHeaders({
    client: { authorization: "Bearer sk-ant-own" },
    auth: { mode: "passthrough", header: "x-api-key" },
    gatewayKeyInAuthorization: false,
    extra: {},
    host: "h",
    contentLength: 0,
  });
  assert.equal(bearerOnly["x-api-key"], "sk-ant-own", "a bearer key moves into the provider's header");
  assert.equal(bearerOnly.authorization, undefined);
  const gatewayBearer = buildUpstreamHeaders({
    client: { authorization: "Bearer gw-key" },
    auth: { mode: "passthrough", header: "x-api-key" },
    gatewayKeyInAuthorization: true,
    extra: {},
    host: "h",
    contentLength: 0,
  });
  assert.equal(gatewayBearer["x-api-key"], undefined);
});

test("none sends no credential; the key query parameter is dropped", () => {
  const h = build({ mode: "none" });
  for (const name of ["authorization", "api-key", "x-api-key", "x-goog-api-key"])
    assert.equal(h[name], undefined);
  const q = stripCredentialQuery(new URLSearchParams("alt=sse&key=AIzaSecret"));
  assert.equal(q.toString(), "alt=sse");
});

test("upstream Host header omits default ports", () => {
  assert.equal(upstreamHostHeader("api.openai.com", 443, true), "api.openai.com");
  assert.equal(upstreamHostHeader("127.0.0.1", 9000, false), "127.0.0.1:9000");
  assert.equal(upstreamHostHeader("::1", 80, false), "[::1]");
});
