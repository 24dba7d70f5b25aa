// The lookup's prefixes are pathPrefixes' (the fast path slices the path instead of splitting it):
// every route whose prefix accepts the path is a candidate, in snapshot order, and no other.
import assert from "node:assert/strict";
import { test } from "node:test";
import { normalizePrefix, PathIndex, pathPrefixes } from "./path-index.ts";

const PREFIXES = [
  "/",
  "/a",
  "/a/",
  "/a/b",
  "/ab",
  "/a/b/c",
  "/v1",
  "/v1/chat",
  "/v1/chat/completions",
  "a/b",
  "/b",
];
const PATHS = [
  "/",
  "/a",
  "/a/",
  "/a/b",
  "/a/b/",
  "/a//b",
  "//a/b",
  "/ab/c",
  "/a/bc",
  "/a/b/c/d",
  "/v1/chat/completions",
  "/v1/chat/completions/",
  "a/b",
  "",
  "/x",
];

test("candidates are the entries of every prefix pathPrefixes names, in snapshot order", () => {
  const index = new PathIndex<{ order: number; prefix: string }>();
  PREFIXES.forEach((prefix, order) => {
    index.add({ type: "PathPrefix", value: prefix }, { order, prefix });
  });
  const noHeaders = () => undefined;
  for (const path of PATHS) {
    const keys = new Set(pathPrefixes(path));
    const want = PREFIXES.map((prefix, order) => ({ order, prefix })).filter((e) =>
      keys.has(normalizePrefix(e.prefix)),
    );
    assert.deepEqual([...index.candidates(path, noHeaders)], want, path);
  }
});
