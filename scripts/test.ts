// `npm test`: everything CI runs, in order, failing fast on the cheap checks.
//   1. build/fetch the real control-plane binaries (cached: scripts/binaries.sh)
//   2. formatter + linter (biome) and strict type check (tsc)
//   3. generated files are fresh (npm run gen:check)
//   4. every *.test.ts (unit, golden, e2e) with node's test runner
// Extra arguments are passed to `node --test` (e.g. a file or --test-name-pattern).
import { spawnSync } from "node:child_process";
import { globSync } from "node:fs";

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
console.log(`\nnpm test finished in ${((Date.now() - started) / 1000).toFixed(1)}s`);
