// "AI Gateway / Control plane": the operator (reconciles, status writes, leadership, snapshot
// stream) and how far each proxy has got (snapshot versions, accepted and rejected reloads).
import { gw, increase, onOperators, quantile, rate, sel, sumBy } from "./promql.ts";
import type { DashboardSpec, PanelSpec } from "./spec.ts";

const operator: PanelSpec[] = [
  {
    title: "Connected proxies",
    description: "Proxies subscribed to the snapshot stream, summed over operator replicas.",
    unit: "short",
    kind: "stat",
    width: 6,
    targets: [{ expr: sumBy([], gw("ai_gateway_operator_connected_proxies")), legend: "proxies" }],
  },
  {
    title: "Leader",
    description: "1 on the operator replica that holds the Lease (and writes status).",
    unit: "short",
    kind: "stat",
    width: 6,
    targets: [{ expr: sumBy(["instance"], sel("ai_gateway_operator_is_leader")), legend: "{{instance}}" }],
  },
  {
    title: "Reconciles/s by result",
    description: "Translations of the watched objects into snapshots and statuses.",
    unit: "ops",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: sumBy(["result"], rate(sel("ai_gateway_operator_reconciles_total"))),
        legend: "{{result}}",
      },
    ],
  },
  {
    title: "Reconcile duration (p50/p95/p99)",
    description: "Time of one reconcile, from coalesced input to snapshots and statuses.",
    unit: "s",
    kind: "timeseries",
    width: 12,
    targets: [0.5, 0.95, 0.99].map((q) => ({
      expr: quantile(q, rate(sel("ai_gateway_operator_reconcile_duration_seconds_bucket")), []),
      legend: `p${Math.round(q * 100)}`,
    })),
  },
  {
    title: "Status writes/s by kind and result",
    description: "Status subresource writes (conflicts are retried).",
    unit: "ops",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: sumBy(["kind", "result"], rate(sel("ai_gateway_operator_status_writes_total"))),
        legend: "{{kind}} {{result}}",
      },
    ],
  },
];

const stream: PanelSpec[] = [
  {
    title: "Connected proxies by Gateway",
    description: "Proxies subscribed to each Gateway's snapshot stream.",
    unit: "short",
    kind: "timeseries",
    width: 8,
    targets: [
      { expr: sumBy(["gateway"], gw("ai_gateway_operator_connected_proxies")), legend: "{{gateway}}" },
    ],
  },
  {
    title: "Snapshot pushes by Gateway",
    description: "Snapshots sent to proxies.",
    unit: "short",
    kind: "timeseries",
    width: 8,
    targets: [
      {
        expr: sumBy(["gateway"], increase(gw("ai_gateway_operator_snapshot_pushes_total"))),
        legend: "{{gateway}}",
      },
    ],
  },
  {
    title: "Acks by Gateway and result",
    description: "Snapshot versions the proxies accepted or rejected, as the operator saw them.",
    unit: "short",
    kind: "timeseries",
    width: 8,
    targets: [
      {
        expr: sumBy(["gateway", "result"], increase(gw("ai_gateway_operator_acks_total"))),
        legend: "{{gateway}} {{result}}",
      },
    ],
  },
];

const proxies: PanelSpec[] = [
  {
    title: "Snapshot version per proxy",
    description: "The snapshot version each proxy serves; proxies of one Gateway should agree.",
    unit: "none",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: sumBy(["gateway", "instance"], gw("ai_gateway_snapshot_version")),
        legend: "{{gateway}} {{instance}}",
      },
    ],
  },
  {
    title: "Snapshot reloads per proxy (accepted/rejected)",
    description: "A rejected snapshot leaves the proxy serving its last good one.",
    unit: "short",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: sumBy(["gateway", "instance", "result"], increase(gw("ai_gateway_snapshot_reloads_total"))),
        legend: "{{gateway}} {{instance}} {{result}}",
      },
    ],
  },
];

const processes: PanelSpec[] = [
  {
    title: "Operator memory (RSS)",
    description: "Resident memory of each operator replica.",
    unit: "bytes",
    kind: "timeseries",
    width: 12,
    targets: [{ expr: onOperators(sel("process_resident_memory_bytes")), legend: "{{instance}}" }],
  },
  {
    title: "Operator CPU",
    description: "CPU cores used by each operator replica.",
    unit: "short",
    kind: "timeseries",
    width: 12,
    targets: [{ expr: onOperators(rate(sel("process_cpu_seconds_total"))), legend: "{{instance}}" }],
  },
];

export function controlPlaneDashboard(): DashboardSpec {
  return {
    uid: "ai-gateway-control-plane",
    title: "AI Gateway / Control plane",
    description: "The ai-gateway operator and the snapshot stream to the proxies.",
    tags: ["ai-gateway", "llm", "gateway-api"],
    gatewayVariableMetric: "ai_gateway_operator_connected_proxies",
    rows: [
      { title: "Operator", panels: operator },
      { title: "Snapshot stream", panels: stream },
      { title: "Proxies", panels: proxies },
      { title: "Operator processes", panels: processes },
    ],
  };
}
