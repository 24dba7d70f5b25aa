import assert from "node:assert/strict";
import { test } from "node:test";
import { MetricChildren } from "./children.ts";
import { createProxyMetrics } from "./registry.ts";

const labels = (route: string) => ({
  gateway: "ns/gw",
  listener: "http",
  route,
  backend: "ns/b",
  status: "200",
  reason: "ok",
});

test("cached children count into the same series, stay bounded and reset", async () => {
  const metrics = createProxyMetrics();
  const children = new MetricChildren(metrics, 2);
  const a = children.http(labels("r1"));
  assert.equal(children.http(labels("r1")), a);
  a.requests.inc();
  children.http(labels("r1")).requests.inc();
  children.http(labels("r1")).duration.observe(0.2);
  children.http(labels("r2"));
  children.http(labels("r3")); // over the bound: the cache starts over
  assert.ok(children.size <= 2);
  children.active("ns/gw").inc();
  children.active("ns/gw").inc();
  children.upstreamError("ns/gw", "ns/b", "p", "provider_error").inc();
  children.reset();
  assert.equal(children.size, 0);
  children.http(labels("r1")).requests.inc();
  children.active("ns/gw").dec();

  const text = await metrics.registry.metrics();
  assert.match(text, /ai_gateway_requests_total\{[^}]*route="r1"[^}]*\} 3/);
  assert.match(text, /ai_gateway_request_duration_seconds_count\{[^}]*route="r1"[^}]*\} 1/);
  assert.match(text, /ai_gateway_active_requests\{gateway="ns\/gw"\} 1/);
  assert.match(text, /ai_gateway_upstream_errors_total\{[^}]*reason="provider_error"[^}]*\} 1/);
});
