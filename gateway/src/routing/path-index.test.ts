// A path's prefixes (sliced out of the path when it has no empty element, else split) are the
// whole path elements it starts with; every route whose prefix accepts the path is a candidate, in
// snapshot order, and no other.
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

test("a path's prefixes are its whole leading elements, whether sliced or split", () => {
  // the definition, by splitting: empty elements skipped
  const bySplit = (path: string): string[] => {
    const out = ["/"];
    let acc = "";
    for (const seg of path.split("/").filter((x) => x !== "")) {
      acc += `/${seg}`;
      out.push(acc);
    }
    return out;
  };
  for (const path of [...PATHS, "/v1/models/gpt-4o", "/a/b/c/", "/a///b/c", "x//y", "/é/ü"])
    assert.deepEqual(pathPrefixes(path), bySplit(path), path);
  assert.deepEqual(pathPrefixes("/a/b/c"), ["/", "/a", "/a/b", "/a/b/c"]);
});

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
