import assert from "node:assert/strict";
import { test } from "node:test";
import { localPortClashes } from "./dev-ports.ts";

test("two Gateways that map to the same local port are named; distinct ports are not", () => {
  assert.deepEqual(
    localPortClashes([
      { key: "a/gw", portMap: "80=8080,9000=9000" },
      { key: "b/gw", portMap: "80=8080" },
      { key: "c/gw", portMap: "8080=8080,8081=8081" },
      { key: "d/gw", portMap: "" },
    ]),
    [{ port: 8080, gateways: ["a/gw", "b/gw", "c/gw"] }],
  );
  assert.deepEqual(localPortClashes([{ key: "a/gw", portMap: "80=8080" }]), []);
});
