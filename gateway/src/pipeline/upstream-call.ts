// Backend select → credential injection → provider adapter → upstream, with failover and retries.
// Providers are tried in failover order (groups by priority, load balanced within a group); a
// connect error, a per-attempt timeout, a 5xx, a 429 or one of the route's retry codes moves on to
// the next provider. route.retry.attempts adds that many more tries (cycling through the
// providers again, with exponential backoff). Nothing is retried once the client got a byte.
import type { ErrorCode } from "../errors.ts";
import { GatewayError } from "../errors.ts";
import type { MetricChildren } from "../metrics/children.ts";
import type { CompiledProvider, CompiledRoute } from "../snapshot/compile.ts";
import { upstreamKey } from "../snapshot/compile.ts";
import type { Endpoint } from "../translate/catalogue.ts";
import { failoverOrder, pickBackend, type Random } from "./backend-select.ts";
import type { RequestBody } from "./body.ts";
import { buildUpstreamHeaders, stripCredentialQuery } from "./credentials.ts";
import { AbortError, type Exchange } from "./exchange.ts";
import type { AttemptResult, Forwarder } from "./forward.ts";
import { upstreamHostHeader } from "./headers.ts";
import { providerError, readBounded } from "./provider-error.ts";
import { relay } from "./relay.ts";
import { planUpstream } from "./translate.ts";

const MAX_BACKOFF_MS = 30_000;

export interface UpstreamCallDeps {
  forwarder: Forwarder;
  /** Bound label children of the per-request metrics (reset on snapshot swap). */
  children: MetricChildren;
  gateway: () => string;
  random?: Random;
}

export interface UpstreamRequest {
  route: CompiledRoute;
  /** Path after the HTTPRoute rewrite, without query. */
  path: string;
  query: URLSearchParams;
  body: RequestBody;
  /** The endpoint the path names (translate/catalogue.ts). */
  endpoint: Endpoint;
  /** The client's Authorization header was its gateway key. */
  gatewayKeyInAuthorization: boolean;
}

export function isRetryableStatus(status: number, codes: readonly number[]): boolean {
  return status >= 500 || status === 429 || codes.includes(status);
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Ends the exchange with the reason it was aborted from outside. */
function endAborted(ex: Exchange): void {
  const reason = ex.abortReason;
  if (reason === "client_disconnected" || reason === undefined) ex.clientGone();
  else ex.failWith(reason);
}

export async function callUpstream(
  ex: Exchange,
  call: UpstreamRequest,
  deps: UpstreamCallDeps,
): Promise<void> {
  const { route } = call;
  const backend = pickBackend(route, deps.random);
  if (!backend) return ex.failWith("no_backend");
  ex.backend = backend.ref;
  const providers = failoverOrder(backend, deps.random);
  const { retry, timeouts } = route.config;
  if (timeouts.requestMs !== undefined) {
    const left = timeouts.requestMs - (performance.now() - ex.startedAt);
    const t = setTimeout(() => ex.abort("upstream_timeout"), Math.max(0, left));
    ex.onFinish(() => clearTimeout(t));
  }
  const maxTries = providers.length + retry.attempts;
  let lastError: GatewayError | undefined;
  for (let i = 0; i < maxTries; i++) {
    if (i >= providers.length) {
      const backoff = Math.min(MAX_BACKOFF_MS, retry.backoffMs * 2 ** (i - providers.length));
      if (backoff > 0 && !(await sleep(backoff, ex.signal))) return endAborted(ex);
    }
    if (ex.signal.aborted) return endAborted(ex);
    const provider = providers[i % providers.length] as CompiledProvider;
    const outcome = await attemptOnce(ex, call, provider, deps, {
      last: i === maxTries - 1,
      only: maxTries === 1,
    });
    if (outcome === "done") return;
    lastError = outcome;
  }
  ex.fail(lastError ?? new GatewayError("upstream_unreachable"));
}

/** One try against one provider: "done" when the exchange is answered, else the error to go on with. */
async function attemptOnce(
  ex: Exchange,
  call: UpstreamRequest,
  provider: CompiledProvider,
  deps: UpstreamCallDeps,
  tries: { last: boolean; only: boolean },
): Promise<"done" | GatewayError> {
  const { last } = tries;
  const cfg = provider.config;
  const json = call.body.json;
  const plan = planUpstream(
    provider,
    call.endpoint,
    {
      provider: cfg,
      path: call.path,
      query: stripCredentialQuery(call.query),
      // adapters may change the body: each try gets a pristine copy, unless there is only one try
      body: json === undefined || tries.only ? json : structuredClone(json),
      header: (n) => headerValue(ex.clientHeaders[n]),
    },
    call.route.config.api?.unsupportedFields === "Drop",
  );
  if (plan instanceof GatewayError) {
    ex.fail(plan);
    return "done";
  }
  ex.provider = provider;
  ex.plan = plan;
  const body = plan.body ? Buffer.from(JSON.stringify(plan.body)) : call.body.raw;
  const spec = {
    target: { key: upstreamKey(cfg), host: cfg.host, port: cfg.port, tls: cfg.tls },
    path: plan.path,
    headers: buildUpstreamHeaders({
      client: ex.clientHeaders,
      auth: cfg.auth,
      gatewayKeyInAuthorization: call.gatewayKeyInAuthorization,
      extra: plan.headers,
      host: upstreamHostHeader(cfg.host, cfg.port, cfg.tls),
      contentLength: body.length,
    }),
    body,
  };

  // One signal for the attempt: aborted by its own timeout or by the exchange's signal. Linked by a
  // listener removed on settle, not AbortSignal.any(), whose weak-ref bookkeeping outlives the
  // request and piles up under load.
  const perAttempt = new AbortController();
  const signal = perAttempt.signal;
  let timedOut = false;
  const timeoutMs = call.route.config.timeouts.backendRequestMs;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          perAttempt.abort(new AbortError("upstream_timeout"));
        }, timeoutMs);
  const follow = (): void => perAttempt.abort(ex.signal.reason);
  if (ex.signal.aborted) follow();
  else ex.signal.addEventListener("abort", follow, { once: true });
  const settle = (): void => {
    clearTimeout(timer);
    ex.signal.removeEventListener("abort", follow);
  };

  let result: AttemptResult = await deps.forwarder.attempt(ex.req, ex.res, spec, signal);
  if (result.kind === "error" && result.staleSocket && !signal.aborted) {
    result = await deps.forwarder.attempt(ex.req, ex.res, spec, signal);
  }
  const countError = (reason: ErrorCode): void => {
    deps.children.upstreamError(deps.gateway(), ex.backend, cfg.name, reason).inc();
  };

  if (result.kind === "error") {
    settle();
    if (ex.signal.aborted) {
      endAborted(ex);
      return "done";
    }
    const code: ErrorCode = timedOut ? "upstream_timeout" : "upstream_unreachable";
    countError(code);
    return new GatewayError(code);
  }

  const { upstream } = result;
  const status = upstream.statusCode ?? 502;
  if (status >= 400) {
    if (isRetryableStatus(status, call.route.config.retry.codes)) {
      countError(status === 429 ? "rate_limited" : "provider_error");
      if (!last) {
        settle();
        upstream.destroy();
        return new GatewayError(status === 429 ? "rate_limited" : "provider_error", { status });
      }
    }
    const errBody = await readBounded(upstream);
    settle();
    if (ex.signal.aborted) {
      endAborted(ex);
      return "done";
    }
    const secrets = cfg.auth.mode === "inject" ? [cfg.auth.credential] : [];
    const passthrough =
      cfg.auth.mode === "passthrough"
        ? headerValue(ex.clientHeaders[cfg.auth.header.toLowerCase()])
        : undefined;
    if (passthrough) secrets.push(passthrough, passthrough.replace(/^Bearer\s+/i, ""));
    ex.fail(providerError(status, upstream.headers, errBody, provider.adapter, secrets));
    return "done";
  }

  const interrupted = (): ErrorCode => {
    const r = ex.abortReason;
    if (r === "route_killed" || r === "upstream_timeout") return r;
    const code: ErrorCode = timedOut ? "upstream_timeout" : "upstream_interrupted";
    countError(code);
    return code;
  };
  const abortOnSignal = (): void => result.abort(new Error("aborted"));
  signal.addEventListener("abort", abortOnSignal, { once: true });
  relay(ex, upstream, interrupted, () => {
    settle();
    signal.removeEventListener("abort", abortOnSignal);
  });
  return "done";
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}
