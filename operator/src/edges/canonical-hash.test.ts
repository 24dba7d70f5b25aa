import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalHash, canonicalJson } from "./canonical-hash.ts";

describe("canonical hash", () => {
  it("is independent of key order at every level", () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: "s" } };
    const b = { a: { x: "s", y: [1, { p: 2, q: 1 }] }, b: 1 };
    assert.equal(canonicalJson(a), '{"a":{"x":"s","y":[1,{"p":2,"q":1}]},"b":1}');
    assert.equal(canonicalHash(a), canonicalHash(b));
    assert.match(canonicalHash(a), /^[0-9a-f]{64}$/);
  });
  it("drops undefined members and keeps array order significant", () => {
    assert.equal(canonicalHash({ a: 1, b: undefined }), canonicalHash({ a: 1 }));
    assert.notEqual(canonicalHash([1, 2]), canonicalHash([2, 1]));
    assert.notEqual(canonicalHash({ a: "1" }), canonicalHash({ a: 1 }));
  });
});
