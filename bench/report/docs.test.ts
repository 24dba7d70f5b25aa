import assert from "node:assert/strict";
import { test } from "node:test";
import { BEGIN, END, spliceResults } from "./docs.ts";

test("spliceResults replaces only the text between the markers", () => {
  const doc = `# Benchmarks\n\nmethod\n\n${BEGIN}\n\nold table\n\n${END}\n\n## Reproduce\n`;
  const out = spliceResults(doc, "new table");
  assert.equal(out, `# Benchmarks\n\nmethod\n\n${BEGIN}\n\nnew table\n\n${END}\n\n## Reproduce\n`);
  assert.equal(spliceResults(out, "newer"), out.replace("new table", "newer"));
});

test("spliceResults appends the markers to a page that has none", () => {
  assert.equal(spliceResults("# B\n", "t"), `# B\n\n${BEGIN}\n\nt\n\n${END}\n`);
});
