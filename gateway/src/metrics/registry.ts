// The proxy's metrics, exactly as docs/metrics.md lists them. One prom-client Registry per process,
// passed in (never the global one). Label values are bounded: route ids, backend refs and listener
// names come from the snapshot; models go through ModelLabels; reasons come from errors.ts.
import { Counter, collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { CounterVec, GaugeVec, HistogramVec } from "./bound.ts";
import {
  REQUEST_DURATION_BUCKETS,
  TIME_PER_OUTPUT_TOKEN_BUCKETS,
  TIME_TO_FIRST_TOKEN_BUCKETS,
  TOKEN_USAGE_BUCKETS,
} from "./buckets.ts";
import { EVENT_LOOP_SAMPLE_MS } from "./default-metrics.ts";

const HTTP_DURATION_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120,
];

const GENAI_LABELS = [
  "gen_ai_operation_name",
  "gen_ai_provider_name",
  "gen_ai_request_model",
  "gen_ai_response_model",
  "route",
] as const;

export interface ProxyMetrics {
  registry: Registry;
  requests: CounterVec<"gateway" | "listener" | "route" | "backend" | "status" | "reason">;
  requestDuration: HistogramVec<"gateway" | "listener" | "route" | "backend" | "status">;
  tokenUsage: HistogramVec<"gen_ai_token_type" | (typeof GENAI_LABELS)[number]>;
  genAiDuration: HistogramVec<(typeof GENAI_LABELS)[number] | "error_type">;
  timeToFirstToken: HistogramVec<
    "gen_ai_operation_name" | "gen_ai_provider_name" | "gen_ai_request_model" | "route"
  >;
  timePerOutputToken: HistogramVec<
    "gen_ai_operation_name" | "gen_ai_provider_name" | "gen_ai_request_model" | "route"
  >;
  snapshotVersion: Gauge<"gateway">;
  snapshotReloads: Counter<"gateway" | "result">;
  killedRequests: Counter<"gateway" | "route">;
  upstreamErrors: CounterVec<"gateway" | "backend" | "provider" | "reason">;
  activeRequests: GaugeVec<"gateway">;
  limited: Counter<"gateway" | "limit">;
  clientDisconnects: Counter<"gateway">;
  providerEjected: Gauge<"gateway" | "backend" | "provider">;
  providerEjections: Counter<"gateway" | "backend" | "provider">;
  /** What ai_gateway_provider_ejected shows at each scrape (set by the proxy: its health registry). */
  ejectionView?: () => { gateway: string; backend: string; provider: string; ejected: boolean }[];
}

export function createProxyMetrics(registry: Registry = new Registry()): ProxyMetrics {
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const registers = [registry];
  const metrics: ProxyMetrics = {
    registry,
    requests: new CounterVec({
      name: "ai_gateway_requests_total",
      help: "Requests handled by the proxy, by outcome.",
      labelNames: ["gateway", "listener", "route", "backend", "status", "reason"],
      registers,
    }),
    requestDuration: new HistogramVec({
      name: "ai_gateway_request_duration_seconds",
      help: "Time from request received to response complete.",
      labelNames: ["gateway", "listener", "route", "backend", "status"],
      buckets: HTTP_DURATION_BUCKETS,
      registers,
    }),
    tokenUsage: new HistogramVec({
      name: "gen_ai_client_token_usage",
      help: "Tokens used per request, as reported by the provider.",
      labelNames: ["gen_ai_token_type", ...GENAI_LABELS],
      buckets: TOKEN_USAGE_BUCKETS,
      registers,
    }),
    genAiDuration: new HistogramVec({
      name: "gen_ai_server_request_duration_seconds",
      help: "Duration of GenAI requests to the provider.",
      labelNames: [...GENAI_LABELS, "error_type"],
      buckets: REQUEST_DURATION_BUCKETS,
      registers,
    }),
    timeToFirstToken: new HistogramVec({
      name: "gen_ai_server_time_to_first_token_seconds",
      help: "Time from request received to the first streamed content chunk.",
      labelNames: ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "route"],
      buckets: TIME_TO_FIRST_TOKEN_BUCKETS,
      registers,
    }),
    timePerOutputToken: new HistogramVec({
      name: "gen_ai_server_time_per_output_token_seconds",
      help: "Time per output token after the first one, for streamed answers.",
      labelNames: ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "route"],
      buckets: TIME_PER_OUTPUT_TOKEN_BUCKETS,
      registers,
    }),
    snapshotVersion: new Gauge({
      name: "ai_gateway_snapshot_version",
      help: "Version of the snapshot the proxy serves.",
      labelNames: ["gateway"],
      // worker mode: every process serves the same version; a sum would mean nothing
      aggregator: "max",
      registers,
    }),
    snapshotReloads: new Counter({
      name: "ai_gateway_snapshot_reloads_total",
      help: "Snapshots received, by result.",
      labelNames: ["gateway", "result"],
      // worker mode: the primary and each worker apply every snapshot; count it once
      aggregator: "max",
      registers,
    }),
    killedRequests: new Counter({
      name: "ai_gateway_killed_requests_total",
      help: "In-flight requests aborted because their route was removed.",
      labelNames: ["gateway", "route"],
      registers,
    }),
    upstreamErrors: new CounterVec({
      name: "ai_gateway_upstream_errors_total",
      help: "Failed attempts to a provider (connect errors, timeouts, 5xx, 429, cut streams).",
      labelNames: ["gateway", "backend", "provider", "reason"],
      registers,
    }),
    activeRequests: new GaugeVec({
      name: "ai_gateway_active_requests",
      help: "Requests in flight.",
      labelNames: ["gateway"],
      registers,
    }),
    limited: new Counter({
      name: "ai_gateway_limited_total",
      help: "Connections and requests refused by a proxy limit (connections, requests, body_budget).",
      labelNames: ["gateway", "limit"],
      registers,
    }),
    clientDisconnects: new Counter({
      name: "ai_gateway_client_disconnects_total",
      help: "Requests whose client went away before the answer was complete.",
      labelNames: ["gateway"],
      registers,
    }),
    providerEjected: new Gauge({
      name: "ai_gateway_provider_ejected",
      help: "1 while a provider is ejected by its backend's policies.health, else 0 (worker mode: the number of processes ejecting it).",
      labelNames: ["gateway", "backend", "provider"],
      registers,
      collect() {
        const rows = metrics.ejectionView?.();
        if (rows === undefined) return;
        // read at scrape time: providers gone from the snapshot disappear, ejections that ran out read 0
        this.reset();
        for (const r of rows)
          this.set({ gateway: r.gateway, backend: r.backend, provider: r.provider }, r.ejected ? 1 : 0);
      },
    }),
    providerEjections: new Counter({
      name: "ai_gateway_provider_ejections_total",
      help: "Ejections of a provider by its backend's policies.health.",
      labelNames: ["gateway", "backend", "provider"],
      registers,
    }),
  };
  return metrics;
}
