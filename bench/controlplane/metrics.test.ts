import assert from "node:assert/strict";
import { test } from "node:test";
import { meanMs, parseHistogram, RECONCILE } from "./metrics.ts";

const TEXT = `# HELP ai_gateway_operator_reconcile_duration_seconds Translate and push
# TYPE ai_gateway_operator_reconcile_duration_seconds histogram
ai_gateway_operator_reconcile_duration_seconds_bucket{le="0.005"} 3
ai_gateway_operator_reconcile_duration_seconds_bucket{le="+Inf"} 4
ai_gateway_operator_reconcile_duration_seconds_sum 0.25
ai_gateway_operator_reconcile_duration_seconds_count 4
ai_gateway_operator_reconciles_total{result="ok"} 4
`;

test("parseHistogram reads sum and count of the reconcile histogram", () => {
  assert.deepEqual(parseHistogram(TEXT, RECONCILE), { sum: 0.25, count: 4 });
  assert.equal(parseHistogram(TEXT, "ai_gateway_missing"), null);
});

test("meanMs is the mean of the reconciles between two scrapes", () => {
  assert.deepEqual(meanMs({ sum: 0.25, count: 4 }, { sum: 1.25, count: 14 }), { n: 10, meanMs: 100 });
  assert.deepEqual(meanMs({ sum: 1, count: 4 }, { sum: 1, count: 4 }), { n: 0, meanMs: null });
  assert.deepEqual(meanMs(null, { sum: 1, count: 4 }), { n: 0, meanMs: null });
});
