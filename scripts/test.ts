// `npm test`: everything CI runs, in order, failing fast on the cheap checks.
//   1. build/fetch the real control-plane binaries (cached: scripts/binaries.sh)
//   2. formatter + linter (biome) and strict type check (tsc)
//   3. generated files are fresh (npm run gen:check)
//   4. every *.test.ts (unit, golden, e2e) with node's test runner
//   5. the run changed no file under any testdata/ folder (goldens are written by hand, not by tests)
// Under CI=true a golden-update switch (UPDATE_GOLDEN, ...) refuses the run before anything starts.
// Extra arguments are passed to `node --test` (e.g. a file or --test-name-pattern).
import { spawnSync } from "node:child_process";
import { globSync } from "node:fs";
import { goldenUpdateSwitches, isCi } from "./lib/golden-update.ts";
import { changedPaths, fingerprint } from "./lib/testdata-guard.ts";
import { repoRoot } from "./lib/versions.ts";

function run(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const started = Date.now();
  process.stdout.write(`\n=== ${name}\n`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`=== ${name} FAILED after ${secs}s (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  process.stdout.write(`=== ${name} ok in ${secs}s\n`);
}

const started = Date.now();
const extra = process.argv.slice(2);
const switches = goldenUpdateSwitches(process.env);
if (switches.length > 0 && isCi(process.env)) {
  console.error(`=== refused: ${switches.join(", ")} set under CI=true (CI never rewrites goldens)`);
  process.exit(2);
}
const testdataBefore = fingerprint(repoRoot);
run("binaries", "bash", ["scripts/binaries.sh"]);
if (extra.length === 0) {
  run("lint", "biome", ["check", "."]);
  run("typecheck", "tsc", ["-p", "tsconfig.json"]);
  run("gen:check", "node", ["scripts/gen.ts", "--check"]);
}
const files =
  extra.filter((a) => !a.startsWith("-")).length > 0
    ? []
    : globSync([
        "operator/src/**/*.test.ts",
        "gateway/src/**/*.test.ts",
        "scripts/**/*.test.ts",
        "e2e/**/*.test.ts",
        "bench/**/*.test.ts",
      ]).sort();
run("tests", "node", [
  "--test",
  "--test-reporter=spec",
  `--test-concurrency=${process.env.TEST_CONCURRENCY ?? "2"}`,
  "--test-timeout=600000",
  ...extra,
  ...files,
]);
const rewritten = changedPaths(testdataBefore, fingerprint(repoRoot));
if (rewritten.length > 0 && switches.length === 0) {
  console.error(`=== the tests changed files under testdata/:\n  ${rewritten.join("\n  ")}`);
  process.exit(1);
}
console.log(`\nnpm test finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);
