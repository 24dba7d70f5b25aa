import assert from "node:assert/strict";
import { test } from "node:test";
import { PROVIDER_KEY } from "./fixtures.ts";
import { redact, registerSecret } from "./redact.ts";

test("redact removes every registered secret, wherever it appears", () => {
  const token = registerSecret("bench-token-0123456789");
  registerSecret(PROVIDER_KEY);
  const text = JSON.stringify({ reason: `401 for Bearer ${PROVIDER_KEY}; token=${token}; again ${token}` });
  const out = redact(text);
  assert.ok(!out.includes(PROVIDER_KEY));
  assert.ok(!out.includes(token));
  assert.equal(out.split("[REDACTED]").length - 1, 3);
});

test("redact leaves text without secrets alone and ignores too-short values", () => {
  registerSecret("abc");
  assert.equal(redact("abc is not a secret here"), "abc is not a secret here");
});
