// Every PromQL query of the chart's Grafana dashboards against the real Prometheus: valid (no parse
// error), only documented metrics and labels (docs/metrics.md), and — with a real operator, proxy
// and provider simulator scraped after real traffic — every one returns data.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { dashboardQueries } from "../../charts/ai-gateway/dashboards/index.ts";
import { environmentSkip } from "../harness/environment-skip.ts";
import { PROMETHEUS_BIN, type Prometheus, PrometheusError, startPrometheus } from "../harness/prometheus.ts";
import { documentedMetrics, labelsOfSeries, metricOfSeries } from "./metrics-doc.ts";
import { promqlRefs } from "./promql-refs.ts";
import { runTrafficScenario } from "./traffic-scenario.ts";

const queries = dashboardQueries({ rateInterval: "1m", gateway: ".*" });

test("the dashboards have a query for every panel the brief asks for", () => {
  const panels = new Set(queries.map((q) => q.panel));
  for (const want of [
    "Requests/s by route and status",
    "Error ratio by route (5xx)",
    "Latency by route (p50/p95/p99)",
    "Input tokens/s by model and route",
    "Output tokens/s by model and route",
    "Time to first token (p50/p95)",
    "Time per output token (p50/p95)",
    "Killed requests by route",
    "Snapshot version per proxy",
    "Snapshot reloads per proxy (accepted/rejected)",
    "Reconciles/s by result",
    "Connected proxies by Gateway",
    "Proxy memory (RSS)",
    "Proxy CPU",
    "Operator memory (RSS)",
    "Operator CPU",
    "Spend by team and key",
    "Remaining budget by team and key",
  ]) {
    assert.ok(panels.has(want), `panel ${want}`);
  }
  for (const q of queries) assert.ok(!q.expr.includes("$"), `variables substituted: ${q.expr}`);
});

test("every query names only documented metrics and their labels (docs/metrics.md)", () => {
  const docs = documentedMetrics();
  for (const { panel, expr } of queries) {
    const refs = promqlRefs(expr);
    assert.ok(refs.metrics.length > 0, `${panel}: selects a metric`);
    const known = new Set<string>(["job", "instance"]);
    for (const series of refs.metrics) {
      const metric = metricOfSeries(series, docs);
      assert.ok(metric, `${panel}: ${series} is not in docs/metrics.md`);
      for (const l of labelsOfSeries(series, metric)) known.add(l);
    }
    for (const { metric, labels } of refs.matchers) {
      const doc = metricOfSeries(metric, docs);
      assert.ok(doc, `${panel}: ${metric} is not in docs/metrics.md`);
      for (const l of labels) {
        assert.ok(labelsOfSeries(metric, doc).includes(l), `${panel}: ${metric} has no label ${l}`);
      }
    }
    for (const group of refs.groupings) {
      for (const l of group)
        assert.ok(known.has(l), `${panel}: groups by ${l}, which none of its series has`);
    }
  }
});

describe("dashboard queries in a real Prometheus", {
  skip: environmentSkip(!existsSync(PROMETHEUS_BIN) && `${PROMETHEUS_BIN} missing`),
}, () => {
  let prom: Prometheus;
  before(async () => {
    prom = await startPrometheus({ targets: [] });
  });
  after(async () => {
    await prom?.stop();
  });

  test("a broken query is reported as a parse error (the check below can fail)", async () => {
    await assert.rejects(prom.query("sum(rate(ai_gateway_requests_total[1m])"), (err: unknown) => {
      assert.ok(err instanceof PrometheusError);
      assert.equal(err.errorType, "bad_data");
      return true;
    });
  });

  test("every panel query is valid PromQL", async () => {
    for (const { dashboard, panel, expr } of queries) {
      try {
        await prom.query(expr);
      } catch (err) {
        assert.fail(`${dashboard} / ${panel}: ${err instanceof Error ? err.message : String(err)}\n${expr}`);
      }
    }
  });

  test("stop() ends Prometheus and removes its temp dir", async () => {
    const other = await startPrometheus({ targets: [] });
    await other.stop();
    assert.ok(!existsSync(other.dir));
    await assert.rejects(fetch(`${other.url}/-/ready`));
  });
});

test("every panel query returns data from a real operator, proxy and simulator after traffic", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "ai-gateway-dash-"));
  const stops: (() => Promise<void>)[] = [];
  try {
    const scenario = await runTrafficScenario({ tmp, onStop: (s) => stops.push(s) });
    const prom = await startPrometheus({
      targets: [
        { job: "operator", address: scenario.operatorAdmin },
        { job: "proxy", address: scenario.proxyAdmin },
      ],
    });
    stops.push(() => prom.stop());
    await prom.waitForTargetsUp();
    await scenario.traffic();
    const empty = await waitForData(prom, 60_000);
    assert.deepEqual(empty, [], `queries without data:\n${empty.join("\n")}`);
    const dump = await fetch(`http://${scenario.proxyAdmin}/metrics`).then((r) => r.text());
    for (const secret of scenario.secrets) assert.ok(!dump.includes(secret), "no secret in proxy metrics");
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** Polls until every query returns at least one series; returns the ones that never did. */
async function waitForData(prom: Prometheus, timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const empty: string[] = [];
    for (const { dashboard, panel, expr } of queries) {
      const r = await prom.query(expr);
      const n = r.resultType === "vector" || r.resultType === "matrix" ? r.result.length : 1;
      if (n === 0) empty.push(`${dashboard} / ${panel}: ${expr}`);
    }
    if (empty.length === 0 || Date.now() > deadline) return empty;
    await new Promise((r) => setTimeout(r, 1_000));
  }
}
