import assert from "node:assert/strict";
import { test } from "node:test";
import { effectiveHostnames, intersectHostname } from "./hostnames.ts";

test("exact hostnames intersect only when equal (case-insensitive)", () => {
  assert.equal(intersectHostname("api.example.com", "API.example.com"), "api.example.com");
  assert.equal(intersectHostname("api.example.com", "chat.example.com"), undefined);
});

test("a wildcard covers one or more labels but not the bare domain", () => {
  assert.equal(intersectHostname("*.example.com", "a.example.com"), "a.example.com");
  assert.equal(intersectHostname("*.example.com", "a.b.example.com"), "a.b.example.com");
  assert.equal(intersectHostname("*.example.com", "example.com"), undefined);
  assert.equal(intersectHostname("*.example.com", "badexample.com"), undefined);
  assert.equal(intersectHostname("a.example.com", "*.example.com"), "a.example.com");
});

test("two wildcards intersect to the more specific one", () => {
  assert.equal(intersectHostname("*.example.com", "*.ai.example.com"), "*.ai.example.com");
  assert.equal(intersectHostname("*.ai.example.com", "*.example.com"), "*.ai.example.com");
  assert.equal(intersectHostname("*.example.com", "*.example.com"), "*.example.com");
  assert.equal(intersectHostname("*.example.com", "*.example.org"), undefined);
});

test("effective hostnames of a route on a listener", () => {
  assert.deepEqual(effectiveHostnames(undefined, []), []);
  assert.deepEqual(effectiveHostnames("*.example.com", []), ["*.example.com"]);
  assert.deepEqual(effectiveHostnames(undefined, ["b.org", "a.org", "b.org"]), ["a.org", "b.org"]);
  assert.deepEqual(effectiveHostnames("*.example.com", ["x.example.com", "y.other.org"]), ["x.example.com"]);
  assert.equal(effectiveHostnames("*.example.com", ["y.other.org"]), undefined);
});
