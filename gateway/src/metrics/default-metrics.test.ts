// The default process metrics are wired with the sparse event-loop sampling, in the proxy and in
// the operator (prom-client's own default wakes an idle process 100 times a second).
import assert from "node:assert/strict";
import perfHooks from "node:perf_hooks";
import { test } from "node:test";
import { createOperatorMetrics } from "../../../operator/src/metrics.ts";
import { EVENT_LOOP_SAMPLE_MS } from "./default-metrics.ts";
import { createProxyMetrics } from "./registry.ts";

function resolutionsUsedBy(make: () => void): number[] {
  const original = perfHooks.monitorEventLoopDelay;
  const seen: number[] = [];
  perfHooks.monitorEventLoopDelay = (opts) => {
    seen.push(opts?.resolution ?? 10);
    return original(opts);
  };
  try {
    make();
  } finally {
    perfHooks.monitorEventLoopDelay = original;
  }
  return seen;
}

test("the proxy samples the event loop every EVENT_LOOP_SAMPLE_MS", () => {
  assert.deepEqual(resolutionsUsedBy(createProxyMetrics), [EVENT_LOOP_SAMPLE_MS]);
});

test("the operator samples the event loop every EVENT_LOOP_SAMPLE_MS", () => {
  assert.deepEqual(resolutionsUsedBy(createOperatorMetrics), [EVENT_LOOP_SAMPLE_MS]);
});

test("the lag series are still exported", async () => {
  const m = createProxyMetrics();
  const text = await m.registry.metrics();
  assert.match(text, /^nodejs_eventloop_lag_p99_seconds /m);
  assert.match(text, /^nodejs_eventloop_lag_seconds /m);
});
