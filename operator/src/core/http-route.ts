// HTTPRoute → RouteModel. Gateway API defaults: parentRef Gateway in the route's namespace; a
// backendRef without group/kind is a core Service (which we do not serve: InvalidKind); a match
// without path is PathPrefix "/"; a route without rules has one rule matching "/" and no
// backends (the proxy answers 500). Only the URLRewrite path filter is supported; anything we
// cannot honour (other filters, method or query matches) makes the route UnsupportedValue rather
// than matching more than the user asked for.
// Retry: no retries unless `retry` is set; when set, attempts default 0, codes 429/500/502/503/504,
// backoff 100ms.
import { z } from "zod";
import { Duration } from "../api/airoute.ts";
import { GATEWAY_GROUP, type HTTPRoute, type HTTPRouteFilter } from "../api/gateway-api.ts";
import { parseDuration, timeoutMs } from "./duration.ts";
import { generationOf, refOf } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";
import {
  badRegex,
  DEFAULT_BACKEND_WEIGHT,
  DEFAULT_RETRY_BACKOFF_MS,
  DEFAULT_RETRY_CODES,
  HTTPROUTE_DEFAULT_RETRY_ATTEMPTS,
  normalizeHeaders,
  normalizePath,
  type RouteModel,
  type RouteRuleModel,
  routeMatch,
} from "./route-model.ts";

type HTTPRouteRule = NonNullable<HTTPRoute["spec"]["rules"]>[number];

/** Gateway API HTTPRouteRetry (not in the lenient HTTPRoute schema, so parsed here). */
const HTTPRouteRetry = z.object({
  attempts: z.number().int().min(0).max(10).optional(),
  backoff: Duration.optional(),
  codes: z.array(z.number().int().min(400).max(599)).optional(),
});

const CORE_SERVICE = { group: "", kind: "Service" };

function unsupported(message: string): Problem {
  return { reason: Reason.UnsupportedValue, message };
}

function matchProblem(rule: HTTPRouteRule, path: string): Problem | undefined {
  for (const [j, m] of (rule.matches ?? []).entries()) {
    if (m.method !== undefined)
      return unsupported(`${path}.matches[${j}].method: method matches are not supported`);
    if (Array.isArray(m.queryParams) && m.queryParams.length > 0) {
      return unsupported(`${path}.matches[${j}].queryParams: query parameter matches are not supported`);
    }
  }
  const regex = badRegex(rule.matches, path);
  return regex ? unsupported(regex) : undefined;
}

function filterProblem(f: HTTPRouteFilter, path: string): Problem | undefined {
  if (f.type !== "URLRewrite") {
    return unsupported(`${path}: filter type ${f.type} is not supported; supported: URLRewrite (path)`);
  }
  if (f.urlRewrite?.hostname !== undefined) return unsupported(`${path}.urlRewrite.hostname: not supported`);
  const p = f.urlRewrite?.path;
  if (!p) return unsupported(`${path}.urlRewrite.path: required (only path rewrites are supported)`);
  const value = p.type === "ReplaceFullPath" ? p.replaceFullPath : p.replacePrefixMatch;
  if (value === undefined || !value.startsWith("/")) {
    return unsupported(`${path}.urlRewrite.path: ${p.type} needs a path starting with "/"`);
  }
  return undefined;
}

function rewriteOf(rule: HTTPRouteRule, path: string): RouteRuleModel["rewrite"] | Problem {
  const filters = rule.filters ?? [];
  for (const [i, f] of filters.entries()) {
    const bad = filterProblem(f, `${path}.filters[${i}]`);
    if (bad) return bad;
  }
  if (filters.length > 1) return unsupported(`${path}.filters: at most one URLRewrite filter is supported`);
  const p = filters[0]?.urlRewrite?.path;
  if (!p) return undefined;
  const value = (p.type === "ReplaceFullPath" ? p.replaceFullPath : p.replacePrefixMatch) ?? "/";
  if (
    p.type === "ReplacePrefixMatch" &&
    (rule.matches ?? []).some((m) => m.path && m.path.type === "Exact")
  ) {
    return unsupported(`${path}.filters[0]: ReplacePrefixMatch needs PathPrefix matches`);
  }
  return { type: p.type, value };
}

function backendRefProblem(rule: HTTPRouteRule, path: string): Problem | undefined {
  for (const [i, r] of (rule.backendRefs ?? []).entries()) {
    if (Array.isArray(r.filters) && r.filters.length > 0) {
      return unsupported(`${path}.backendRefs[${i}].filters: backendRef filters are not supported`);
    }
  }
  return undefined;
}

function retryOf(rule: HTTPRouteRule, path: string): RouteRuleModel["retry"] | Problem {
  if (rule.retry === undefined)
    return { attempts: HTTPROUTE_DEFAULT_RETRY_ATTEMPTS, backoffMs: 0, codes: [] };
  const parsed = HTTPRouteRetry.safeParse(rule.retry);
  if (!parsed.success)
    return unsupported(`${path}.retry: not a valid retry (attempts 0-10, backoff, codes 400-599)`);
  const r = parsed.data;
  return {
    attempts: r.attempts ?? HTTPROUTE_DEFAULT_RETRY_ATTEMPTS,
    backoffMs:
      r.backoff !== undefined
        ? (parseDuration(r.backoff) ?? DEFAULT_RETRY_BACKOFF_MS)
        : DEFAULT_RETRY_BACKOFF_MS,
    codes: [...new Set(r.codes ?? DEFAULT_RETRY_CODES)].sort((a, b) => a - b),
  };
}

function timeouts(rule: HTTPRouteRule): RouteRuleModel["timeouts"] {
  const requestMs = timeoutMs(rule.timeouts?.request);
  const backendRequestMs = timeoutMs(rule.timeouts?.backendRequest);
  return {
    ...(requestMs !== undefined ? { requestMs } : {}),
    ...(backendRequestMs !== undefined ? { backendRequestMs } : {}),
  };
}

function httpRule(rule: HTTPRouteRule, index: number, namespace: string): RouteRuleModel | Problem {
  const path = `spec.rules[${index}]`;
  const bad = matchProblem(rule, path) ?? backendRefProblem(rule, path);
  if (bad) return bad;
  const rewrite = rewriteOf(rule, path);
  if (rewrite && "reason" in rewrite) return rewrite;
  const retry = retryOf(rule, path);
  if ("reason" in retry) return retry;
  const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
  return {
    index,
    matches: matches.map((m) =>
      routeMatch(normalizePath(m.path) ?? { type: "PathPrefix", value: "/" }, normalizeHeaders(m.headers)),
    ),
    backendRefs: (rule.backendRefs ?? []).map((r) => ({
      group: r.group ?? CORE_SERVICE.group,
      kind: r.kind ?? CORE_SERVICE.kind,
      namespace: r.namespace ?? namespace,
      name: r.name,
      weight: r.weight ?? DEFAULT_BACKEND_WEIGHT,
    })),
    ...(rewrite ? { rewrite } : {}),
    timeouts: timeouts(rule),
    retry,
  };
}

export function httpRouteModel(route: HTTPRoute): RouteModel {
  const ref = refOf(route.metadata);
  const rules = route.spec.rules && route.spec.rules.length > 0 ? route.spec.rules : [{}];
  const built = rules.map((r, i) => httpRule(r, i, ref.namespace));
  const problem = built.find((r): r is Problem => "reason" in r);
  return {
    kind: "HTTPRoute",
    group: GATEWAY_GROUP,
    ref,
    generation: generationOf(route.metadata),
    ...(route.metadata.creationTimestamp ? { creationTimestamp: route.metadata.creationTimestamp } : {}),
    parentRefs: route.spec.parentRefs ?? [],
    hostnames: route.spec.hostnames ?? [],
    rules: problem ? [] : built.filter((r): r is RouteRuleModel => !("reason" in r)),
    ...(problem ? { problem } : {}),
  };
}
