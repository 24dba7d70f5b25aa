import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { changedPaths, fingerprint } from "./testdata-guard.ts";

test("a changed, added or removed file under any testdata/ is reported; other files are not", () => {
  const root = mkdtempSync(join(tmpdir(), "testdata-guard-"));
  try {
    execFileSync("git", ["init", "-q"], { cwd: root });
    mkdirSync(join(root, "a/testdata"), { recursive: true });
    mkdirSync(join(root, "b/deep/testdata"), { recursive: true });
    writeFileSync(join(root, "a/testdata/one.yaml"), "1\n");
    writeFileSync(join(root, "b/deep/testdata/two.yaml"), "2\n");
    writeFileSync(join(root, "a/elsewhere.ts"), "x\n");
    execFileSync("git", ["add", "."], { cwd: root });
    const before = fingerprint(root);
    assert.deepEqual([...before.keys()].sort(), ["a/testdata/one.yaml", "b/deep/testdata/two.yaml"]);
    writeFileSync(join(root, "a/elsewhere.ts"), "changed\n");
    assert.deepEqual(changedPaths(before, fingerprint(root)), []);
    writeFileSync(join(root, "a/testdata/one.yaml"), "rewritten\n");
    writeFileSync(join(root, "a/testdata/new.yaml"), "new\n");
    rmSync(join(root, "b/deep/testdata/two.yaml"));
    assert.deepEqual(changedPaths(before, fingerprint(root)), [
      "a/testdata/new.yaml",
      "a/testdata/one.yaml",
      "b/deep/testdata/two.yaml",
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
