// The checked-in generated files (crds/, docs/reference/, ...) match what `npm run gen` renders now.
import assert from "node:assert/strict";
import { dirname, resolve } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { GENERATED_DIRS, GENERATORS } from "./registry.ts";
import { findStale } from "./run.ts";

it("generated files are fresh", async () => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  const stale = await findStale(root, { generators: GENERATORS, generatedDirs: GENERATED_DIRS });
  assert.deepEqual(stale, [], "run npm run gen");
});
