import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { PROXY_NODE_FLAGS } from "./edges/proxy-node-options.ts";
import { productModules, stripperProbe } from "./warm-compile-cache.ts";

const REPO = resolve(import.meta.dirname, "../..");
const WARM = join(REPO, "operator/src/warm-compile-cache.ts");

/** Node's internal modules a fresh proxy process loaded that belong to the TypeScript stripper. */
function stripperLoaded(env: NodeJS.ProcessEnv): string[] {
  const probe = stripperProbe([join(REPO, "gateway/src/main.ts")]);
  const out = execFileSync(process.execPath, [...PROXY_NODE_FLAGS, "--input-type=module", "-e", probe], {
    env,
    encoding: "utf8",
  });
  return JSON.parse(out) as string[];
}

test("the product's modules: sources of both commands, no tests or test data", () => {
  const mods = productModules(REPO);
  assert.ok(mods.includes("operator/src/cli.ts"));
  assert.ok(mods.includes("gateway/src/main.ts"));
  assert.ok(mods.includes("gateway/src/workers/worker.ts"), "lazily imported modules are warmed too");
  assert.ok(!mods.some((m) => m.endsWith(".test.ts") || m.includes("/testdata/")));
});

test("a proxy process started on a warmed cache does not load the TypeScript stripper", () => {
  const dir = mkdtempSync(join(tmpdir(), "compile-cache-"));
  try {
    const env = { ...process.env, NODE_COMPILE_CACHE: dir };
    // Control: without the cache (and on an empty one) the stripper is loaded.
    const { NODE_COMPILE_CACHE: _, ...noCache } = process.env;
    assert.notDeepEqual(stripperLoaded(noCache), []);
    const out = execFileSync(process.execPath, [...PROXY_NODE_FLAGS, WARM], { env, encoding: "utf8" });
    assert.match(out, /warm-compile-cache: \d+ modules in /);
    assert.deepEqual(stripperLoaded(env), []);
    // Warmed with other flags (the operator's: none), the proxy's flags miss: Node keys by flags.
    const other = mkdtempSync(join(tmpdir(), "compile-cache-"));
    try {
      execFileSync(process.execPath, [WARM], { env: { ...process.env, NODE_COMPILE_CACHE: other } });
      assert.notDeepEqual(stripperLoaded({ ...process.env, NODE_COMPILE_CACHE: other }), []);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the warm script refuses to run without NODE_COMPILE_CACHE", () => {
  const { NODE_COMPILE_CACHE: _, ...env } = process.env;
  assert.throws(
    () => execFileSync(process.execPath, [WARM], { env, stdio: "pipe" }),
    /status 2|NODE_COMPILE_CACHE/,
  );
});

test("the Dockerfile warms with the proxy's flags and the operator's (none)", () => {
  const dockerfile = readFileSync(join(REPO, "Dockerfile"), "utf8").replace(/\\\n\s*/g, "");
  assert.ok(dockerfile.includes(`node ${PROXY_NODE_FLAGS.join(" ")} operator/src/warm-compile-cache.ts`));
  assert.ok(dockerfile.includes("--clear-groups node operator/src/warm-compile-cache.ts"));
  assert.match(dockerfile, /^ENV NODE_COMPILE_CACHE=\/app\/\.compile-cache$/m);
});
