import assert from "node:assert/strict";
import { test } from "node:test";
import { adapterFor } from "../providers/index.ts";
import { providerError, scrubMessage } from "./provider-error.ts";

const oa = adapterFor("openai");

test("provider errors keep the upstream status and a scrubbed message", () => {
  const body = Buffer.from(JSON.stringify({ error: { message: "model gpt-9 does not exist", type: "x" } }));
  const e = providerError(404, {}, body, oa, []);
  assert.equal(e.status, 404);
  assert.deepEqual(e.body(), {
    error: { message: "model gpt-9 does not exist", type: "provider_error", code: "provider_error" },
  });
});

test("401/403 messages are replaced: providers echo key fragments there", () => {
  const body = Buffer.from(
    JSON.stringify({ error: { message: "Incorrect API key provided: sk-abc***wxyz" } }),
  );
  const e = providerError(401, {}, body, oa, ["sk-abcdefwxyz"]);
  assert.equal(e.status, 401);
  assert.equal(e.body().error.type, "provider_error");
  assert.ok(!JSON.stringify(e.body()).includes("sk-abc"));
});

test("429 becomes rate_limited and keeps Retry-After", () => {
  const e = providerError(429, { "retry-after": "3" }, Buffer.from("not json"), oa, []);
  assert.equal(e.status, 429);
  assert.equal(e.code, "rate_limited");
  assert.deepEqual(e.headers, { "retry-after": "3" });
});

test("scrubbing removes the request's credentials and key-like strings", () => {
  const m = scrubMessage(
    "bad key sk-proj-ABCDEF and AIzaSyA1234567890 and Bearer tok123 and key=zzz and s3cr3t!",
    ["s3cr3t!"],
  );
  for (const leak of ["sk-proj", "AIzaSy", "tok123", "zzz", "s3cr3t!"]) assert.ok(!m.includes(leak), leak);
  assert.ok(scrubMessage("x".repeat(2000), []).length < 600);
});
