// Backend select → credential injection → provider adapter → upstream, with failover and retries.
// Providers are tried in failover order (groups by priority, load balanced within a group); a
// connect error, a per-attempt timeout, a 5xx, a 429 or one of the route's retry codes moves on to
// the next provider. route.retry.attempts adds that many more tries (cycling through the
// providers again, with exponential backoff). Nothing is retried once the client got a byte.
// Every answered or unanswered attempt is told to the health registry (policies.health), which may
// eject the provider; ejected providers go last in the failover order.
import type { ErrorCode } from "../errors.ts";
import { GatewayError } from "../errors.ts";
import type { HealthRegistry } from "../health/registry.ts";
import type { MetricChildren } from "../metrics/children.ts";
import type { JsonObject } from "../providers/types.ts";
import type { CompiledProvider, CompiledRoute } from "../snapshot/compile.ts";
import { upstreamKey } from "../snapshot/compile.ts";
import type { UpstreamAuth } from "../snapshot/schema.ts";
import type { ClientFormat, Endpoint } from "../translate/catalogue.ts";
import { AwsCredentialError, parseAwsCredentials, sigV4Headers } from "./aws-sigv4.ts";
import { AzureTokenError, type AzureTokens } from "./azure-token.ts";
import { applyBackendAi } from "./backend-ai.ts";
import { failoverOrder, pickBackend, type Random } from "./backend-select.ts";
import { parseWholeBody, type RequestBody, rewriteBody } from "./body.ts";
import {
  buildUpstreamHeaders,
  placedCredentials,
  stripCredentialQuery,
  withQueryCredentials,
} from "./credentials.ts";
import { customVariant } from "./custom-formats.ts";
import { AbortError, type Exchange } from "./exchange.ts";
import { type AttemptResult, type AttemptSpec, type Forwarder, isTimeoutError } from "./forward.ts";
import { GcpTokenError, type GcpTokens } from "./gcp-token.ts";
import { upstreamHostHeader } from "./headers.ts";
import type { OAuthTokens } from "./oauth-tokens.ts";
import { providerError, readBounded } from "./provider-error.ts";
import { relay } from "./relay.ts";
import { planUpstream } from "./translate.ts";

const MAX_BACKOFF_MS = 30_000;

export interface UpstreamCallDeps {
  forwarder: Forwarder;
  /** Default upstream timeouts (ms) for routes that set none of their own. */
  upstreamTimeouts: { headerMs: number; idleMs: number };
  /** Bound label children of the per-request metrics (reset on snapshot swap). */
  children: MetricChildren;
  gateway: () => string;
  random?: Random;
  /** Access tokens made from Google service-account keys (auth mode gcpServiceAccount). */
  gcpTokens?: GcpTokens;
  /** Entra ID access tokens for Azure app registrations (auth mode azureClientSecret). */
  azureTokens?: AzureTokens;
  /** Where a failed token exchange is logged (never with the key or the token). */
  onCredentialError?: (provider: string, message: string) => void;
  /** Passive outlier ejection (policies.health); absent: no provider is ever ejected. */
  health?: HealthRegistry;
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

/** Wait `ms`; false when the exchange is aborted first. */
function sleep(ms: number, ex: Exchange): Promise<boolean> {
  return new Promise((resolve) => {
    if (ex.aborted) return resolve(false);
    const t = setTimeout(() => {
      off();
      resolve(true);
    }, ms);
    const off = ex.onAbort(() => {
      clearTimeout(t);
      resolve(false);
    });
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
  const health = deps.health;
  const providers = failoverOrder(backend, deps.random, health && ((p) => health.isEjected(p)));
  const { retry, timeouts } = route.config;
  if (timeouts.requestMs !== undefined) {
    const left = timeouts.requestMs - (performance.now() - ex.startedAt);
    const t = setTimeout(() => ex.abort("upstream_timeout"), Math.max(0, left));
    ex.onFinish(() => clearTimeout(t));
  }
  const maxTries = providers.length + retry.attempts;
  let lastError: GatewayError | undefined;
  let retryAfterMs = 0;
  for (let i = 0; i < maxTries; i++) {
    const provider = providers[i % providers.length] as CompiledProvider;
    let wait = retryAfterMs;
    if (i >= providers.length) {
      wait = Math.max(wait, Math.min(MAX_BACKOFF_MS, retry.backoffMs * 2 ** (i - providers.length)));
    }
    if (wait > 0 && !(await sleep(wait, ex))) return endAborted(ex);
    if (ex.aborted) return endAborted(ex);
    const last = i === maxTries - 1;
    // a Retry-After is honoured only when the next try goes to the same provider, and only within
    // the time the route leaves (else the 429 is passed on)
    const nextSame = !last && providers[(i + 1) % providers.length] === provider;
    const outcome = await attemptOnce(ex, call, provider, deps, { last, nextSame });
    if (outcome === "done") return;
    lastError = outcome.error;
    retryAfterMs = outcome.retryAfterMs;
  }
  ex.fail(lastError ?? new GatewayError("upstream_unreachable"));
}

/** The longest Retry-After a retry waits for when the route sets no request timeout. */
const MAX_RETRY_AFTER_MS = 30_000;

/** Retry-After in ms (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

type AttemptOutcome = "done" | { error: GatewayError; retryAfterMs: number };

/** The whole body with the provider's policies.ai applied, or undefined when it has none (or no change). */
function enrichedBody(
  call: UpstreamRequest,
  cfg: CompiledProvider["config"],
  format: ClientFormat | undefined,
): JsonObject | undefined {
  if (!cfg.ai || call.body.raw.length === 0) return undefined;
  const whole = parseWholeBody(call.body);
  if (typeof whole !== "object" || whole === null || Array.isArray(whole)) return undefined;
  const body = whole as JsonObject;
  return applyBackendAi(body, cfg.ai, format ?? "openai", call.endpoint.operation) ? body : undefined;
}

/** One try against one provider: "done" when the exchange is answered, else the error to go on with. */
async function attemptOnce(
  ex: Exchange,
  call: UpstreamRequest,
  configured: CompiledProvider,
  deps: UpstreamCallDeps,
  tries: { last: boolean; nextSame: boolean },
): Promise<AttemptOutcome> {
  let { last } = tries;
  // a custom provider: the variant for the request's format (or the one it is translated to)
  const provider = customVariant(configured, call.endpoint);
  if (provider instanceof GatewayError) {
    ex.fail(provider);
    return "done";
  }
  const cfg = provider.config;
  const fields = call.body.fields;
  // policies.ai rewrites the whole document (messages and all): only such backends parse it all
  const enriched = enrichedBody(call, cfg, ex.clientFormat);
  const plan = planUpstream(
    provider,
    call.endpoint,
    {
      provider: cfg,
      path: call.path,
      query: stripCredentialQuery(call.query),
      // adapters change only top-level members: a shallow copy per try keeps the client's intact
      body: enriched ? enriched : fields === undefined ? undefined : { ...fields },
      header: (n) => headerValue(ex.clientHeaders[n]),
    },
    call.route.config.api?.unsupportedFields === "Drop",
    () => enriched ?? parseWholeBody(call.body),
  );
  if (plan instanceof GatewayError) {
    ex.fail(plan);
    return "done";
  }
  if (enriched && !plan.translator) {
    plan.body ??= enriched;
    plan.replaceBody = true;
  }
  ex.provider = provider;
  ex.plan = plan;
  if (plan.localAnswer) {
    // answered by the gateway (e.g. count_tokens for a backend with no such endpoint): no provider call
    const text = JSON.stringify(plan.localAnswer);
    ex.res.writeHead(200, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
      "x-ai-gateway-estimate": "true",
    });
    ex.res.end(text);
    ex.succeed(200);
    return "done";
  }
  // only a service-account key or an Azure app registration needs an await (a token); every other
  // credential is at hand
  const auth =
    cfg.auth.mode === "gcpServiceAccount" || cfg.auth.mode === "azureClientSecret"
      ? await credentialFor(ex, cfg.auth, provider, deps)
      : cfg.auth;
  if (auth === "aborted") {
    endAborted(ex);
    return "done";
  }
  if (auth instanceof GatewayError) {
    deps.children.upstreamError(deps.gateway(), ex.backend, cfg.name, auth.code).inc();
    return { error: auth, retryAfterMs: 0 };
  }
  // a translated (or rebuilt) body is a new document; a native one keeps the client's bytes but for
  // changed members
  const body =
    plan.translator || plan.replaceBody
      ? Buffer.from(JSON.stringify(plan.body ?? {}))
      : plan.body
        ? rewriteBody(call.body, plan.body)
        : call.body.raw;
  const authority = upstreamHostHeader(cfg.host, cfg.port, cfg.tls);
  const routeTimeouts = call.route.config.timeouts;
  // the defaults guard routes without timeouts; a route's own timeouts replace them
  const ownTimeouts = routeTimeouts.backendRequestMs !== undefined || routeTimeouts.requestMs !== undefined;
  const credentialSource = {
    client: ex.clientHeaders,
    auth,
    ...(cfg.credentials ? { credentials: cfg.credentials } : {}),
    query: call.query,
    gatewayKeyInAuthorization: call.gatewayKeyInAuthorization,
  };
  const placed = placedCredentials(credentialSource);
  const spec: AttemptSpec = {
    target: {
      key: upstreamKey(cfg),
      host: cfg.host,
      port: cfg.port,
      tls: cfg.tls,
      ...(cfg.tls && cfg.upstreamTls ? { upstreamTls: cfg.upstreamTls } : {}),
    },
    authority,
    method: ex.req.method ?? "GET",
    // a query-parameter credential is set here, after the adapter: never in a log line
    path: withQueryCredentials(plan.path, placed),
    headersTimeoutMs: ownTimeouts ? 0 : deps.upstreamTimeouts.headerMs,
    bodyTimeoutMs: ownTimeouts ? 0 : deps.upstreamTimeouts.idleMs,
    headers: buildUpstreamHeaders({
      ...credentialSource,
      placed,
      extra: plan.headers,
      host: authority,
      contentLength: body.length,
    }),
    body,
  };
  // a body sent without a content type was taken as JSON: the provider is told so
  if (body.length > 0 && spec.headers["content-type"] === undefined)
    spec.headers["content-type"] = "application/json";
  if (auth.mode === "awsSigV4") {
    // signed last: the signature covers the final path and body
    const signed = await signAws(auth.credential, cfg.bedrock?.region, spec, provider, deps);
    if (signed instanceof GatewayError) {
      deps.children.upstreamError(deps.gateway(), ex.backend, cfg.name, signed.code).inc();
      return { error: signed, retryAfterMs: 0 };
    }
    Object.assign(spec.headers, signed);
  }

  // The attempt is cut short by its own timeout or when the exchange is aborted (client gone, kill
  // switch, request timeout): plain callbacks, no AbortSignal, nothing left behind once settled.
  const attempt = deps.forwarder.start(spec);
  let timedOut = false;
  const timeoutMs = call.route.config.timeouts.backendRequestMs;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          attempt.abort(new AbortError("upstream_timeout"));
        }, timeoutMs);
  const offAbort = ex.onAbort((reason) => attempt.abort(new AbortError(reason)));
  const settle = (): void => {
    clearTimeout(timer);
    offAbort();
  };

  const result: AttemptResult = await attempt.result;
  const countError = (reason: ErrorCode): void => {
    deps.children.upstreamError(deps.gateway(), ex.backend, cfg.name, reason).inc();
  };

  if (result.kind === "error") {
    settle();
    if (ex.aborted) {
      endAborted(ex);
      return "done";
    }
    const code: ErrorCode =
      timedOut || isTimeoutError(result.error) ? "upstream_timeout" : "upstream_unreachable";
    countError(code);
    deps.health?.record(configured, { code: undefined });
    return { error: new GatewayError(code), retryAfterMs: 0 };
  }

  const { upstream } = result;
  const status = upstream.statusCode;
  if (configured.health !== undefined)
    deps.health?.record(configured, { code: status }, retryAfterMs(upstream.headers["retry-after"]));
  if (status >= 400) {
    let wait = 0;
    if (!last && status === 429 && tries.nextSame) {
      wait = retryAfterMs(upstream.headers["retry-after"]) ?? 0;
      const requestMs = call.route.config.timeouts.requestMs;
      const left =
        requestMs === undefined ? MAX_RETRY_AFTER_MS : requestMs - (performance.now() - ex.startedAt);
      if (wait > left) last = true; // cannot wait that long: the client gets the 429 and its Retry-After
    }
    if (isRetryableStatus(status, call.route.config.retry.codes)) {
      countError(status === 429 ? "rate_limited" : "provider_error");
      if (!last) {
        settle();
        upstream.body.destroy();
        const error = new GatewayError(status === 429 ? "rate_limited" : "provider_error", { status });
        return { error, retryAfterMs: wait };
      }
    }
    const errBody = await readBounded(upstream.body);
    settle();
    if (ex.aborted) {
      endAborted(ex);
      return "done";
    }
    // a refused access token is not used again: the next request makes a new one
    if (status === 401 && cfg.auth.mode === "gcpServiceAccount" && auth.mode === "inject")
      deps.gcpTokens?.invalidate(cfg.auth.credential, auth.credential);
    if (status === 401 && cfg.auth.mode === "azureClientSecret" && auth.mode === "inject")
      deps.azureTokens?.invalidate(cfg.auth, auth.credential);
    const secrets = auth.mode === "inject" ? [auth.credential] : [];
    if (auth.mode === "awsSigV4") secrets.push(...awsSecrets(auth.credential));
    // a placed value with its prefix, and without it ("Bearer x", "Token x")
    for (const p of placed) secrets.push(p.value, p.value.replace(/^\S+\s+/, ""));
    for (const c of cfg.credentials ?? []) secrets.push(c.credential);
    ex.fail(providerError(status, upstream.headers, errBody, provider.adapter, secrets));
    return "done";
  }

  const interrupted = (err: Error | undefined): ErrorCode => {
    const r = ex.abortReason;
    if (r === "route_killed" || r === "upstream_timeout") return r;
    const code: ErrorCode = timedOut || isTimeoutError(err) ? "upstream_timeout" : "upstream_interrupted";
    countError(code);
    return code;
  };
  relay(ex, upstream, interrupted, settle);
  return "done";
}

/**
 * The credential this attempt sends: the configured one, or an access token made from it (a
 * service-account key, an Azure app registration), cached or made now. A credential that yields no
 * token is this provider's failure (the next provider is tried); the reason goes to the log, never
 * to the client.
 */
async function credentialFor(
  ex: Exchange,
  auth: UpstreamAuth,
  provider: CompiledProvider,
  deps: UpstreamCallDeps,
): Promise<
  Exclude<UpstreamAuth, { mode: "gcpServiceAccount" | "azureClientSecret" }> | GatewayError | "aborted"
> {
  if (auth.mode !== "gcpServiceAccount" && auth.mode !== "azureClientSecret") return auth;
  try {
    const token =
      auth.mode === "gcpServiceAccount"
        ? await tokenOf(deps.gcpTokens, auth.credential, ex)
        : await tokenOf(deps.azureTokens, auth, ex);
    return {
      mode: "inject",
      header: "authorization",
      prefix: "Bearer ",
      credential: token,
      source: auth.source,
    };
  } catch (err) {
    if (ex.aborted) return "aborted";
    const message =
      err instanceof GcpTokenError || err instanceof AzureTokenError ? err.message : "token exchange failed";
    deps.onCredentialError?.(provider.label, message);
    return new GatewayError("upstream_credential_failed");
  }
}

function tokenOf<S>(tokens: OAuthTokens<S> | undefined, source: S, ex: Exchange): Promise<string> {
  if (!tokens) return Promise.reject(new Error("no token source"));
  return tokens.token(source, ex.signal);
}

/** SigV4 headers for a Bedrock attempt; bad credentials are this provider's failure (logged, never shown). */
async function signAws(
  credential: string,
  region: string | undefined,
  spec: AttemptSpec,
  provider: CompiledProvider,
  deps: UpstreamCallDeps,
): Promise<Record<string, string> | GatewayError> {
  try {
    if (region === undefined) throw new AwsCredentialError("no signing region");
    const contentType = spec.headers["content-type"];
    return await sigV4Headers({
      method: spec.method,
      authority: spec.authority,
      path: spec.path,
      body: spec.body,
      contentType: typeof contentType === "string" ? contentType : "application/json",
      region,
      service: "bedrock",
      credentials: parseAwsCredentials(credential),
    });
  } catch (err) {
    deps.onCredentialError?.(
      provider.label,
      err instanceof AwsCredentialError ? err.message : "request signing failed",
    );
    return new GatewayError("upstream_credential_failed");
  }
}

/** The secret parts of AWS credentials, to scrub from a provider's error text. */
function awsSecrets(credential: string): string[] {
  try {
    const c = parseAwsCredentials(credential);
    return [c.secretAccessKey, ...(c.sessionToken ? [c.sessionToken] : [])];
  } catch {
    return [];
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v.join(", ") : v;
}
