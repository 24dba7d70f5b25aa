import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Generator } from "./registry.ts";
import { findStale, renderAll, writeAll } from "./run.ts";

describe("gen run", () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "ai-gateway-gen-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const generators: Generator[] = [
    { path: "out/a.yaml", render: () => "a: 1\n" },
    { path: "out/nested/b.md", render: async () => "# b" },
    { path: "other/c.txt", render: () => "c\n" },
  ];
  const targets = { generators, generatedDirs: ["out"] };

  it("reports missing files, writes them, then finds nothing stale", async () => {
    assert.deepEqual(await findStale(root, targets), [
      { path: "out/a.yaml", reason: "missing" },
      { path: "out/nested/b.md", reason: "missing" },
      { path: "other/c.txt", reason: "missing" },
    ]);
    assert.equal((await writeAll(root, targets)).length, 3);
    assert.equal(await readFile(join(root, "out/nested/b.md"), "utf8"), "# b\n", "a final newline is added");
    assert.deepEqual(await findStale(root, targets), []);
    assert.deepEqual(await writeAll(root, targets), [], "a second run changes nothing");
  });

  it("finds an edited file and an orphan in a generated dir, and gen repairs both", async () => {
    await writeFile(join(root, "out/a.yaml"), "a: 2\n");
    await writeFile(join(root, "out/old.yaml"), "left over\n");
    await mkdir(join(root, "other"), { recursive: true });
    await writeFile(join(root, "other/hand-written.txt"), "kept\n");
    assert.deepEqual(await findStale(root, targets), [
      { path: "out/a.yaml", reason: "differs" },
      { path: "out/old.yaml", reason: "orphaned" },
    ]);
    await writeAll(root, targets);
    assert.equal(await readFile(join(root, "out/a.yaml"), "utf8"), "a: 1\n");
    await assert.rejects(readFile(join(root, "out/old.yaml")), /ENOENT/);
    assert.equal(await readFile(join(root, "other/hand-written.txt"), "utf8"), "kept\n");
    assert.deepEqual(await findStale(root, targets), []);
  });

  it("refuses two generators writing one path", async () => {
    await assert.rejects(
      renderAll([
        { path: "x", render: () => "1" },
        { path: "x", render: () => "2" },
      ]),
      /two generators write x/,
    );
  });
});
