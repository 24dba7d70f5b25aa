// Build time only (the image build and the bench run it; the product never does): fill Node's
// compile cache, the directory in NODE_COMPILE_CACHE, with every module of the product.
//
// Why: the product is TypeScript run by Node's type stripping, and the first .ts file a process
// loads brings in the stripper (a WebAssembly build of swc) for the life of the process: about
// 23 MiB of RSS in the proxy (measured: a process that imports gateway/src/main.ts sits at
// 111 MiB, 88 MiB with a warm cache). A process that finds every module's stripped source in the
// cache never loads the stripper. The cache also holds V8's bytecode, so start-up parses less.
//
// Node keys the cache directory by its version, the V8 flags and the uid, and each entry by the
// module's path and content, so run this with the flags and uid of the process that will read it
// (the proxy's flags for proxies, none for the operator) and the paths it will run from. A stale
// or missing entry is a miss: that process strips as usual, nothing breaks.
//
// Usage: NODE_COMPILE_CACHE=<dir> node [flags] operator/src/warm-compile-cache.ts
import { globSync } from "node:fs";
import { flushCompileCache, getCompileCacheDir } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** The product's modules, relative to the app root: what the image ships, tests excluded. */
export function productModules(appRoot: string): string[] {
  return globSync("{operator,gateway}/src/**/*.ts", { cwd: appRoot })
    .filter((rel) => !rel.endsWith(".test.ts") && !rel.split("/").includes("testdata"))
    .sort();
}

/**
 * An ES module source (for `node --input-type=module -e`) that imports `entries` (absolute paths)
 * and prints, as JSON, the stripper's internal modules the process loaded: `[]` when the cache
 * served every module. The image build and the tests check a warmed cache with it.
 */
export function stripperProbe(entries: readonly string[]): string {
  const imports = entries.map((e) => `await import(${JSON.stringify(pathToFileURL(e).href)});`).join("\n");
  return `${imports}
process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => m.includes("amaro"))));`;
}

async function main(): Promise<void> {
  if (getCompileCacheDir() === undefined) {
    process.stderr.write(
      "warm-compile-cache: NODE_COMPILE_CACHE is not set (or the cache could not be enabled)\n",
    );
    process.exit(2);
  }
  const appRoot = resolve(import.meta.dirname, "../..");
  const modules = productModules(appRoot);
  for (const rel of modules) await import(pathToFileURL(join(appRoot, rel)).href);
  flushCompileCache();
  process.stdout.write(`warm-compile-cache: ${modules.length} modules in ${getCompileCacheDir()}\n`);
  // Some modules hold handles once imported (timers, signal handlers): the work is done.
  process.exit(0);
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `warm-compile-cache: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
}
