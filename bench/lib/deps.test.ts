import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDeps } from "./deps.ts";

test("parseDeps reads one status per part, with the reason of a failure", () => {
  const out = [
    "bench-deps: debian ok nginx version: nginx/1.22.1; wrk debian/4.1.0",
    "some noise",
    "bench-deps: npm ok (cached)",
    "bench-deps: litellm FAILED pip install litellm[proxy] into /x (see /x/deps.log)",
  ].join("\n");
  assert.deepEqual(parseDeps(out), [
    { part: "debian", ok: true, detail: "nginx version: nginx/1.22.1; wrk debian/4.1.0" },
    { part: "npm", ok: true, detail: "(cached)" },
    { part: "litellm", ok: false, detail: "pip install litellm[proxy] into /x (see /x/deps.log)" },
  ]);
});
