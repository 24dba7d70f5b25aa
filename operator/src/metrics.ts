// The operator's Prometheus series (docs/metrics.md is the contract), on its own Registry with
// the default process metrics. Label values are Gateway keys, kinds and fixed results: never
// secrets, never user-controlled free text.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import { EVENT_LOOP_SAMPLE_MS } from "../../gateway/src/metrics/default-metrics.ts";

export interface OperatorMetrics {
  registry: Registry;
  reconciles: Counter<"result">;
  reconcileDuration: Histogram;
  snapshotPushes: Counter<"gateway">;
  connectedProxies: Gauge<"gateway">;
  acks: Counter<"gateway" | "result">;
  statusWrites: Counter<"kind" | "result">;
  isLeader: Gauge;
}

export function createOperatorMetrics(): OperatorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const registers = [registry];
  return {
    registry,
    reconciles: new Counter({
      name: "ai_gateway_operator_reconciles_total",
      help: "Translations of the whole cluster state, by result.",
      labelNames: ["result"],
      registers,
    }),
    reconcileDuration: new Histogram({
      name: "ai_gateway_operator_reconcile_duration_seconds",
      help: "Time of one translation and the dispatch of its results.",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    snapshotPushes: new Counter({
      name: "ai_gateway_operator_snapshot_pushes_total",
      help: "Snapshots written to subscribed proxies.",
      labelNames: ["gateway"],
      registers,
    }),
    connectedProxies: new Gauge({
      name: "ai_gateway_operator_connected_proxies",
      help: "Proxies subscribed to a Gateway's snapshots.",
      labelNames: ["gateway"],
      registers,
    }),
    acks: new Counter({
      name: "ai_gateway_operator_acks_total",
      help: "Snapshot acknowledgements from proxies, accepted or rejected.",
      labelNames: ["gateway", "result"],
      registers,
    }),
    statusWrites: new Counter({
      name: "ai_gateway_operator_status_writes_total",
      help: "Status subresource writes, by kind and result.",
      labelNames: ["kind", "result"],
      registers,
    }),
    isLeader: new Gauge({
      name: "ai_gateway_operator_is_leader",
      help: "1 while this replica holds the leader Lease.",
      registers,
    }),
  };
}
