// Label children of the per-request metrics, bound once and reused: the hot path looks a child up
// by one string key instead of building label objects for prom-client on every request. The cache
// is bounded (cleared when full) and reset on every snapshot swap, so children of routes, backends
// and listeners that are gone do not stay referenced here. Label values stay bounded by their
// sources (snapshot names, catalogued reasons, ModelLabels), exactly as without the cache.
import type { CounterSeries, GaugeSeries, HistogramSeries } from "./bound.ts";
import type { ProxyMetrics } from "./registry.ts";

const DEFAULT_MAX_CHILDREN = 4096;
const SEP = "\u0000";

/** The HTTP request children of one (gateway, listener, route, backend, status, reason). */
export interface HttpChildren {
  requests: CounterSeries<string>;
  duration: HistogramSeries<string>;
}

export interface HttpLabels {
  gateway: string;
  listener: string;
  route: string;
  backend: string;
  status: string;
  reason: string;
}

/** The GenAI children of one (operation, provider, request model, response model, route[, error]). */
export interface GenAiChildren {
  duration: HistogramSeries<string>;
  inputTokens: HistogramSeries<string>;
  outputTokens: HistogramSeries<string>;
}

export interface GenAiLabels {
  gen_ai_operation_name: string;
  gen_ai_provider_name: string;
  gen_ai_request_model: string;
  gen_ai_response_model: string;
  route: string;
  /** Set only for a failed request. */
  error_type?: string;
}

export class MetricChildren {
  readonly #metrics: ProxyMetrics;
  readonly #max: number;
  readonly #http = new Map<string, HttpChildren>();
  readonly #upstreamErrors = new Map<string, CounterSeries<string>>();
  readonly #genAi = new Map<string, GenAiChildren>();
  #activeGateway: string | undefined;
  #active: GaugeSeries<"gateway"> | undefined;

  constructor(metrics: ProxyMetrics, maxChildren = DEFAULT_MAX_CHILDREN) {
    this.#metrics = metrics;
    this.#max = maxChildren;
  }

  /** ai_gateway_active_requests of `gateway` (rebound only when the gateway name changes). */
  active(gateway: string): GaugeSeries<"gateway"> {
    if (this.#active === undefined || this.#activeGateway !== gateway) {
      this.#active = this.#metrics.activeRequests.labels({ gateway });
      this.#activeGateway = gateway;
    }
    return this.#active;
  }

  /** ai_gateway_requests_total and ai_gateway_request_duration_seconds of one outcome. */
  http(l: HttpLabels): HttpChildren {
    const key = `${l.gateway}${SEP}${l.listener}${SEP}${l.route}${SEP}${l.backend}${SEP}${l.status}${SEP}${l.reason}`;
    let c = this.#http.get(key);
    if (c === undefined) {
      const { reason, ...http } = l;
      c = {
        requests: this.#metrics.requests.labels({ ...http, reason }),
        duration: this.#metrics.requestDuration.labels(http),
      };
      remember(this.#http, key, c, this.#max);
    }
    return c;
  }

  /** gen_ai_server_request_duration_seconds and gen_ai_client_token_usage (input, output) of one outcome. */
  genAi(l: GenAiLabels): GenAiChildren {
    const key = `${l.gen_ai_operation_name}${SEP}${l.gen_ai_provider_name}${SEP}${l.gen_ai_request_model}${SEP}${l.gen_ai_response_model}${SEP}${l.route}${SEP}${l.error_type ?? ""}`;
    let c = this.#genAi.get(key);
    if (c === undefined) {
      const { error_type, ...usage } = l;
      const m = this.#metrics;
      c = {
        duration: m.genAiDuration.labels(error_type === undefined ? usage : l),
        inputTokens: m.tokenUsage.labels({ ...usage, gen_ai_token_type: "input" }),
        outputTokens: m.tokenUsage.labels({ ...usage, gen_ai_token_type: "output" }),
      };
      remember(this.#genAi, key, c, this.#max);
    }
    return c;
  }

  /** ai_gateway_upstream_errors_total of one (gateway, backend, provider, reason). */
  upstreamError(gateway: string, backend: string, provider: string, reason: string): CounterSeries<string> {
    const key = `${gateway}${SEP}${backend}${SEP}${provider}${SEP}${reason}`;
    let c = this.#upstreamErrors.get(key);
    if (c === undefined) {
      c = this.#metrics.upstreamErrors.labels({ gateway, backend, provider, reason });
      remember(this.#upstreamErrors, key, c, this.#max);
    }
    return c;
  }

  /** Forget every child (a new snapshot: routes, backends and listeners may have changed). */
  reset(): void {
    this.#http.clear();
    this.#upstreamErrors.clear();
    this.#genAi.clear();
    this.#active = undefined;
    this.#activeGateway = undefined;
  }

  /** Children currently cached (tests). */
  get size(): number {
    return (
      this.#http.size + this.#upstreamErrors.size + this.#genAi.size + (this.#active === undefined ? 0 : 1)
    );
  }
}

function remember<T>(map: Map<string, T>, key: string, value: T, max: number): void {
  if (map.size >= max) map.clear();
  map.set(key, value);
}
