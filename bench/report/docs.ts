// After a full run, docs/benchmarks.md gets the new tables between its results markers (the rest
// of the page, method and how to reproduce, is hand-written and left alone).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../lib/paths.ts";
import type { Results } from "./results.ts";

export const BEGIN = "<!-- bench:results:begin (written by npm run bench) -->";
export const END = "<!-- bench:results:end -->";
const DOC = join(REPO, "docs/benchmarks.md");

/** `doc` with the text between the markers replaced (markers appended when missing). */
export function spliceResults(doc: string, text: string): string {
  const block = `${BEGIN}\n\n${text}\n\n${END}`;
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) return `${doc.trimEnd()}\n\n${block}\n`;
  return `${doc.slice(0, a)}${block}${doc.slice(b + END.length)}`;
}

export function updateDocs(text: string, r: Results): void {
  const doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Benchmarks\n";
  const header = `Latest full run: \`bench/results/${r.date.slice(0, 10)}.json\`.\n\n`;
  writeFileSync(DOC, spliceResults(doc, `${header}${text}`));
  // The page is checked by `npm run lint`: leave it formatted the way biome wants it.
  spawnSync(join(REPO, "node_modules/.bin/biome"), ["format", "--write", DOC], { stdio: "ignore" });
}
