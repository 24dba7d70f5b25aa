// `npm test` must not change what the goldens say: a fingerprint of every file under any
// testdata/ folder (tracked or new) is taken before the tests and compared after.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** path -> sha256 of the content ("deleted" when a listed file is gone). */
export type Fingerprint = Map<string, string>;

export function testdataFiles(root: string): string[] {
  const r = spawnSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", ":(glob)**/testdata/**"],
    { cwd: root, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`git ls-files failed: ${r.stderr}`);
  return r.stdout.split("\0").filter((p) => p !== "");
}

export function fingerprint(root: string): Fingerprint {
  const out: Fingerprint = new Map();
  for (const p of testdataFiles(root)) {
    const abs = join(root, p);
    out.set(p, existsSync(abs) ? createHash("sha256").update(readFileSync(abs)).digest("hex") : "deleted");
  }
  return out;
}

/** Paths added, removed or changed between two fingerprints, sorted. */
export function changedPaths(before: Fingerprint, after: Fingerprint): string[] {
  const changed = new Set<string>();
  for (const [p, h] of after) if (before.get(p) !== h) changed.add(p);
  for (const p of before.keys()) if (!after.has(p)) changed.add(p);
  return [...changed].sort();
}
