// Formats generated JSON with the repository's own formatter (biome, biome.json settings), so the
// generated dashboards pass `biome check` unchanged and `gen:check` compares like with like.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const biome = join(repoRoot, "node_modules", ".bin", "biome");

export function formatJson(value: unknown): string {
  const input = `${JSON.stringify(value, null, 2)}\n`;
  const r = spawnSync(biome, ["format", "--stdin-file-path=generated-dashboard.json"], {
    cwd: repoRoot,
    input,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`biome format failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.endsWith("\n") ? r.stdout : `${r.stdout}\n`;
}
