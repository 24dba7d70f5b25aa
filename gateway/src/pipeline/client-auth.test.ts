import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { errorBody } from "../errors.ts";
import { bearerToken, checkClientAuth, keyMatches } from "./client-auth.ts";

const digest = (k: string) => createHash("sha256").update(k).digest();
const auth = { secretRef: "ai/keys", digests: [digest("gw-key-1"), digest("gw-key-2")] };

test("bearer parsing: scheme case-insensitive, malformed values rejected", () => {
  assert.equal(bearerToken("Bearer abc"), "abc");
  assert.equal(bearerToken("bearer   abc  "), "abc");
  assert.equal(bearerToken("Basic dXNlcjpwYXNz"), undefined);
  assert.equal(bearerToken("Bearer"), undefined);
  assert.equal(bearerToken("Bearer a b"), undefined);
  assert.equal(bearerToken(undefined), undefined);
});

test("any accepted key passes; missing, malformed and unknown keys get the 401 body", () => {
  assert.equal(checkClientAuth("Bearer gw-key-2", auth), undefined);
  assert.equal(checkClientAuth(undefined, undefined), undefined, "no keys configured: open");
  for (const header of [undefined, "Basic dXNlcjpwYXNz", "Bearer wrong", "gw-key-1"]) {
    const err = checkClientAuth(header, auth);
    assert.ok(err);
    assert.equal(err.status, 401);
    assert.deepEqual(err.body(), {
      error: {
        message: "Invalid authentication",
        type: "authentication_error",
        code: "authentication_error",
      },
    });
    assert.deepEqual(err.body(), errorBody("authentication_error"));
  }
  assert.equal(keyMatches("gw-key-1", []), false);
});
