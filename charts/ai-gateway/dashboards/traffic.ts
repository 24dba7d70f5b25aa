// "AI Gateway / Traffic": what the proxies serve — requests, errors, latency, tokens, streaming
// speed, killed requests, and the proxies' own memory and CPU.
import { gw, increase, onSelectedProxies, quantile, rate, ratioOrZero, sel, sumBy } from "./promql.ts";
import type { DashboardSpec, PanelSpec, TargetSpec } from "./spec.ts";

const REQUESTS = "ai_gateway_requests_total";

function quantiles(qs: number[], bucketRate: string, labels: string[], legend: string): TargetSpec[] {
  return qs.map((q) => ({
    expr: quantile(q, bucketRate, labels),
    legend: `p${Math.round(q * 100)} ${legend}`,
  }));
}

function tokensPerSecond(type: "input" | "output"): PanelSpec {
  return {
    title: `${type === "input" ? "Input" : "Output"} tokens/s by model and route`,
    description: `Rate of ${type} tokens reported by the providers (gen_ai_client_token_usage), by requested model and route.`,
    unit: "short",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: sumBy(
          ["gen_ai_request_model", "route"],
          onSelectedProxies(rate(sel("gen_ai_client_token_usage_sum", `gen_ai_token_type="${type}"`))),
        ),
        legend: "{{gen_ai_request_model}} {{route}}",
      },
    ],
  };
}

const overview: PanelSpec[] = [
  {
    title: "Requests/s",
    description: "All requests served by the selected Gateways.",
    unit: "reqps",
    kind: "stat",
    width: 6,
    targets: [{ expr: sumBy([], rate(gw(REQUESTS))), legend: "requests/s" }],
  },
  {
    title: "Error ratio (5xx)",
    description: "Share of requests answered with a 5xx status.",
    unit: "percentunit",
    kind: "stat",
    width: 6,
    targets: [
      {
        expr: ratioOrZero(sumBy([], rate(gw(REQUESTS, 'status=~"5.."'))), sumBy([], rate(gw(REQUESTS)))),
        legend: "5xx ratio",
      },
    ],
  },
  {
    title: "Active requests",
    description: "Requests in flight (streams included).",
    unit: "short",
    kind: "stat",
    width: 6,
    targets: [{ expr: sumBy([], gw("ai_gateway_active_requests")), legend: "active" }],
  },
  {
    title: "Tokens/s",
    description: "Input plus output tokens per second.",
    unit: "short",
    kind: "stat",
    width: 6,
    targets: [
      {
        expr: sumBy(["gen_ai_token_type"], onSelectedProxies(rate(sel("gen_ai_client_token_usage_sum")))),
        legend: "{{gen_ai_token_type}}",
      },
    ],
  },
];

const requests: PanelSpec[] = [
  {
    title: "Requests/s by route and status",
    description: "ai_gateway_requests_total by route and HTTP status.",
    unit: "reqps",
    kind: "timeseries",
    width: 12,
    targets: [{ expr: sumBy(["route", "status"], rate(gw(REQUESTS))), legend: "{{route}} {{status}}" }],
  },
  {
    title: "Error ratio by route (5xx)",
    description: "Per route: requests answered with a 5xx status over all requests.",
    unit: "percentunit",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: ratioOrZero(
          sumBy(["route"], rate(gw(REQUESTS, 'status=~"5.."'))),
          sumBy(["route"], rate(gw(REQUESTS))),
        ),
        legend: "{{route}}",
      },
    ],
  },
  {
    title: "Latency by route (p50/p95/p99)",
    description: "End-to-end request duration seen by the proxy (streams: until the last byte).",
    unit: "s",
    kind: "timeseries",
    width: 12,
    targets: quantiles(
      [0.5, 0.95, 0.99],
      rate(gw("ai_gateway_request_duration_seconds_bucket")),
      ["route"],
      "{{route}}",
    ),
  },
  {
    title: "Requests/s by error reason",
    description: "Failed requests by the gateway's error code (reason label, `ok` excluded).",
    unit: "reqps",
    kind: "timeseries",
    width: 12,
    targets: [{ expr: sumBy(["reason"], rate(gw(REQUESTS, 'reason!="ok"'))), legend: "{{reason}}" }],
  },
];

const tokens: PanelSpec[] = [
  tokensPerSecond("input"),
  tokensPerSecond("output"),
  {
    title: "Time to first token (p50/p95)",
    description:
      "Streaming requests: time from the request to the first token (gen_ai_server_time_to_first_token_seconds).",
    unit: "s",
    kind: "timeseries",
    width: 8,
    targets: quantiles(
      [0.5, 0.95],
      onSelectedProxies(rate(sel("gen_ai_server_time_to_first_token_seconds_bucket"))),
      ["route"],
      "{{route}}",
    ),
  },
  {
    title: "Time per output token (p50/p95)",
    description: "Streaming requests: time between output tokens after the first one.",
    unit: "s",
    kind: "timeseries",
    width: 8,
    targets: quantiles(
      [0.5, 0.95],
      onSelectedProxies(rate(sel("gen_ai_server_time_per_output_token_seconds_bucket"))),
      ["route"],
      "{{route}}",
    ),
  },
  {
    title: "Provider request duration p95 by provider and model",
    description: "Duration of the provider call (gen_ai_server_request_duration_seconds).",
    unit: "s",
    kind: "timeseries",
    width: 8,
    targets: quantiles(
      [0.95],
      onSelectedProxies(rate(sel("gen_ai_server_request_duration_seconds_bucket"))),
      ["gen_ai_provider_name", "gen_ai_request_model"],
      "{{gen_ai_provider_name}} {{gen_ai_request_model}}",
    ),
  },
];

const failures: PanelSpec[] = [
  {
    title: "Killed requests by route",
    description: "In-flight requests aborted because their route was deleted (kill switch).",
    unit: "short",
    kind: "timeseries",
    width: 12,
    targets: [
      { expr: sumBy(["route"], increase(gw("ai_gateway_killed_requests_total"))), legend: "{{route}}" },
    ],
  },
  {
    title: "Upstream errors/s by backend and reason",
    description: "Provider calls that failed (connect errors, timeouts, 5xx, broken streams).",
    unit: "reqps",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: sumBy(["backend", "provider", "reason"], rate(gw("ai_gateway_upstream_errors_total"))),
        legend: "{{backend}} {{provider}} {{reason}}",
      },
    ],
  },
];

const spend: PanelSpec[] = [
  {
    title: "Spend by team and key",
    description:
      "Amount settled on AgentgatewayPolicy counters (tokens, requests or microdollars) by limit and key: a client key id, a route or a namespace (team).",
    unit: "short",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: sumBy(
          ["limit", "key", "unit"],
          onSelectedProxies(increase(sel("ai_gateway_policy_spent_total"))),
        ),
        legend: "{{key}} {{unit}} ({{limit}})",
      },
    ],
  },
  {
    title: "Remaining budget by team and key",
    description:
      "What is left of each limit in its current window, as last seen by each proxy (the lowest across proxies: with Global counters they share one).",
    unit: "short",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: `min by (limit, key, unit) (${onSelectedProxies(sel("ai_gateway_policy_remaining"))})`,
        legend: "{{key}} {{unit}} ({{limit}})",
      },
    ],
  },
];

const processes: PanelSpec[] = [
  {
    title: "Proxy memory (RSS)",
    description: "Resident memory of each proxy process.",
    unit: "bytes",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: onSelectedProxies(sel("process_resident_memory_bytes")),
        legend: "{{gateway}} {{instance}}",
      },
    ],
  },
  {
    title: "Proxy CPU",
    description: "CPU cores used by each proxy process.",
    unit: "short",
    kind: "timeseries",
    width: 12,
    targets: [
      {
        expr: onSelectedProxies(rate(sel("process_cpu_seconds_total"))),
        legend: "{{gateway}} {{instance}}",
      },
    ],
  },
];

export function trafficDashboard(): DashboardSpec {
  return {
    uid: "ai-gateway-traffic",
    title: "AI Gateway / Traffic",
    description: "Requests, errors, latency, tokens and streaming speed of the ai-gateway proxies.",
    tags: ["ai-gateway", "llm", "gateway-api"],
    gatewayVariableMetric: "ai_gateway_snapshot_version",
    rows: [
      { title: "Overview", panels: overview },
      { title: "Requests", panels: requests },
      { title: "Tokens and streaming", panels: tokens },
      { title: "Kill switch and upstream failures", panels: failures },
      { title: "Spend control (AgentgatewayPolicy)", panels: spend },
      { title: "Proxy processes", panels: processes },
    ],
  };
}
