import assert from "node:assert/strict";
import { test } from "node:test";
import { percentile, summarize } from "./stats.ts";

test("percentile is nearest-rank over sorted samples", () => {
  const xs = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(xs, 50), 50);
  assert.equal(percentile(xs, 99), 99);
  assert.equal(percentile(xs, 100), 100);
  assert.equal(percentile(new Float64Array([7]), 99), 7);
  assert.equal(percentile(new Float64Array(), 50), null);
});

test("summarize sorts numerically, not as strings", () => {
  const s = summarize([10, 9, 100, 1, 2]);
  assert.deepEqual(s, { n: 5, p50: 9, p90: 100, p99: 100, max: 100 });
});
