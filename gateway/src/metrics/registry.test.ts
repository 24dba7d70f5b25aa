// docs/metrics.md is a contract (dashboards are built on it): every proxy series listed there exists
// here with exactly that type and those labels, and there are no others of ours.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Registry } from "prom-client";
import { z } from "zod";
import { createPolicyMetrics } from "../policy/metrics.ts";
import { TOKEN_USAGE_BUCKETS } from "./buckets.ts";
import { createProxyMetrics } from "./registry.ts";

const DOC = new URL("../../../docs/metrics.md", import.meta.url);

function documentedProxySeries(): Map<string, { type: string; labels: string[] }> {
  const text = readFileSync(DOC, "utf8");
  const section = text.split("## Proxy")[1]?.split("\n## ")[0] ?? "";
  const out = new Map<string, { type: string; labels: string[] }>();
  for (const line of section.split("\n")) {
    const m = /^\|\s*`([a-z_]+)`\s*\|\s*([a-z]+)[^|]*\|\s*([^|]*)\|/.exec(line);
    if (!m) continue;
    const labels = (m[3] ?? "")
      .split(",")
      .map((l) => l.trim().replace(/\s*\(.*\)$/, ""))
      .filter(Boolean);
    out.set(m[1] as string, { type: m[2] as string, labels: labels.sort() });
  }
  return out;
}

const MetricShape = z.object({ name: z.string(), labelNames: z.array(z.string()) });

test("the proxy's series are exactly those of docs/metrics.md", async () => {
  const registry = new Registry();
  const metrics = createProxyMetrics(registry);
  // the proxy also registers the spend-control series on the same registry (main.ts)
  createPolicyMetrics(registry);
  const doc = documentedProxySeries();
  assert.ok(doc.size >= 11, "the doc table was parsed");
  const json = await registry.getMetricsAsJSON();
  const ours = json.filter((m) => m.name.startsWith("ai_gateway_") || m.name.startsWith("gen_ai_"));
  assert.deepEqual(ours.map((m) => m.name).sort(), [...doc.keys()].sort());
  for (const m of ours) {
    const want = doc.get(m.name)!;
    assert.equal(m.type, want.type, m.name);
    const shape = MetricShape.parse(registry.getSingleMetric(m.name));
    assert.deepEqual([...shape.labelNames].sort(), want.labels, m.name);
  }
  assert.ok(
    json.some((m) => m.name === "process_resident_memory_bytes"),
    "default process metrics",
  );
  metrics.tokenUsage.observe(
    {
      gen_ai_token_type: "input",
      gen_ai_operation_name: "chat",
      gen_ai_provider_name: "openai",
      gen_ai_request_model: "m",
      gen_ai_response_model: "m",
      route: "r",
    },
    5,
  );
  const text = await registry.metrics();
  for (const b of TOKEN_USAGE_BUCKETS) assert.ok(text.includes(`le="${b}"`), `bucket ${b}`);
});
