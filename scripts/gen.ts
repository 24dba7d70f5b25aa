// `npm run gen`: regenerate every generated file (CRDs, reference docs, ...; see scripts/gen/registry.ts).
// `npm run gen:check` (--check): write nothing; exit 1 listing the stale files if any differ.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { GENERATED_DIRS, GENERATORS } from "./gen/registry.ts";
import { findStale, writeAll } from "./gen/run.ts";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const targets = { generators: GENERATORS, generatedDirs: GENERATED_DIRS };
const check = process.argv.includes("--check");

try {
  if (check) {
    const stale = await findStale(root, targets);
    if (stale.length > 0) {
      console.error("Generated files are stale:");
      for (const { path, reason } of stale) console.error(`  ${path} (${reason})`);
      console.error("Run `npm run gen` and commit the result.");
      process.exit(1);
    }
    console.log(`gen:check: ${GENERATORS.length} generated files are fresh`);
  } else {
    const changed = await writeAll(root, targets);
    for (const { path, reason } of changed)
      console.log(`${reason === "orphaned" ? "deleted" : "wrote"} ${path}`);
    console.log(`gen: ${changed.length} of ${GENERATORS.length} files changed`);
  }
} catch (err) {
  console.error(`gen failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
