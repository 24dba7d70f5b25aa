// Render every generator, then either write the results or compare them with what is checked in.
// The same functions back `npm run gen`, `npm run gen:check` and the freshness test.
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import type { Generator } from "./registry.ts";

export type Rendered = { path: string; content: string };
export type Stale = { path: string; reason: "missing" | "differs" | "orphaned" };
export type Targets = { generators: readonly Generator[]; generatedDirs: readonly string[] };

export async function renderAll(generators: readonly Generator[]): Promise<Rendered[]> {
  const seen = new Set<string>();
  const out: Rendered[] = [];
  for (const { path, render } of generators) {
    if (seen.has(path)) throw new Error(`two generators write ${path}`);
    seen.add(path);
    const content = await render();
    out.push({ path, content: content.endsWith("\n") ? content : `${content}\n` });
  }
  return out;
}

/** Files under the generated dirs that no generator writes. */
async function orphans(root: string, targets: Targets, rendered: readonly Rendered[]): Promise<string[]> {
  const produced = new Set(rendered.map((r) => r.path));
  const found: string[] = [];
  for (const dir of targets.generatedDirs) {
    const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (!entry.isFile()) continue;
      const path = relative(root, join(entry.parentPath, entry.name)).split("\\").join("/");
      if (!produced.has(path)) found.push(path);
    }
  }
  return found.sort();
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    if (err instanceof Error && "code" in err && err.code === "ENOENT") return undefined;
    throw err;
  }
}

/** What `npm run gen` would change; empty when everything checked in is fresh. */
export async function findStale(root: string, targets: Targets): Promise<Stale[]> {
  const rendered = await renderAll(targets.generators);
  const stale: Stale[] = [];
  for (const { path, content } of rendered) {
    const current = await readOrUndefined(join(root, path));
    if (current === undefined) stale.push({ path, reason: "missing" });
    else if (current !== content) stale.push({ path, reason: "differs" });
  }
  for (const path of await orphans(root, targets, rendered)) stale.push({ path, reason: "orphaned" });
  return stale;
}

/** Write every stale file and delete orphans; returns what changed. */
export async function writeAll(root: string, targets: Targets): Promise<Stale[]> {
  const stale = await findStale(root, targets);
  if (stale.length === 0) return stale;
  const rendered = new Map((await renderAll(targets.generators)).map((r) => [r.path, r.content]));
  for (const { path, reason } of stale) {
    const target = join(root, path);
    const content = rendered.get(path);
    if (reason === "orphaned" || content === undefined) {
      await rm(target, { force: true });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  return stale;
}
