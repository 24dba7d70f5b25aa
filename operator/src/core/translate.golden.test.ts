// Golden tests: testdata/<case>.golden.yaml holds the input manifests and the expected snapshots
// and statuses. UPDATE_GOLDEN=1 rewrites the output sections; otherwise a mismatch fails with a
// line diff of the YAML.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, test } from "node:test";
import { stringify } from "yaml";
import { GatewayConfig } from "../../../gateway/src/snapshot/schema.ts";
import { goldenUpdateRequested } from "../../../scripts/lib/golden-update.ts";
import { inputProblems, loadGoldenCases, plainOutput, runCase } from "./testdata/golden-cases.ts";

const UPDATE = goldenUpdateRequested();
const YAML_OPTS = { lineWidth: 0 } as const;
const cases = loadGoldenCases();

test("there are at least 28 golden cases", () => {
  assert.ok(cases.length >= 28, `only ${cases.length} cases`);
});

describe("golden", () => {
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(inputProblems(c.file), [], "inputs must match the schemas of their kinds");
      const result = runCase(c);
      for (const [key, snap] of Object.entries(result.snapshots)) {
        const parsed = GatewayConfig.safeParse(snap);
        assert.ok(parsed.success, `snapshot ${key} breaks the snapshot contract: ${parsed.error?.message}`);
        assert.deepEqual(parsed.data, snap, `snapshot ${key} has fields the contract does not know`);
      }
      const actual = plainOutput(result);
      if (UPDATE) {
        // Keep everything before `output:` byte for byte (comments, folding), rewrite the rest.
        const head = c.text.split(/^output:/m)[0] ?? c.text;
        writeFileSync(c.path, `${head.trimEnd()}\n${stringify({ output: actual }, YAML_OPTS)}`);
        return;
      }
      assert.ok(c.file.output !== undefined, `${c.name}: no output section; run with UPDATE_GOLDEN=1`);
      assert.equal(
        stringify(actual, YAML_OPTS),
        stringify(c.file.output, YAML_OPTS),
        `${c.name}: output differs from the golden file (UPDATE_GOLDEN=1 regenerates it)`,
      );
    });
  }
});
