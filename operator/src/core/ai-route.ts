// AIRoute → RouteModel. Defaults: parentRef Gateway in the route's namespace; backendRef
// agentgateway.dev/AgentgatewayBackend in the route's namespace with weight 1; a rule without
// matches matches every request (`match: {}`); a match without path matches every path.
// Retry defaults for AIRoute: 2 retries after the first try, on 429/500/502/503/504, 100ms apart.
import type { AIRoute, AIRouteRule } from "../api/airoute.ts";
import { AGENTGATEWAY_GROUP } from "../api/gateway-api.ts";
import { parseDuration, timeoutMs } from "./duration.ts";
import { generationOf, refOf } from "./object-ref.ts";
import { Reason } from "./reasons.ts";
import {
  AIROUTE_DEFAULT_RETRY_ATTEMPTS,
  badRegex,
  DEFAULT_BACKEND_WEIGHT,
  DEFAULT_RETRY_BACKOFF_MS,
  DEFAULT_RETRY_CODES,
  normalizeHeaders,
  normalizePath,
  type RouteModel,
  type RouteRuleModel,
  routeMatch,
} from "./route-model.ts";

function aiRule(rule: AIRouteRule, index: number, namespace: string): RouteRuleModel {
  const matches = rule.matches && rule.matches.length > 0 ? rule.matches : [{}];
  const backoff = rule.retry?.backoff;
  return {
    index,
    matches: matches.map((m) => routeMatch(normalizePath(m.path), normalizeHeaders(m.headers), m.model)),
    backendRefs: rule.backendRefs.map((r) => ({
      group: r.group ?? AGENTGATEWAY_GROUP,
      kind: r.kind ?? "AgentgatewayBackend",
      namespace: r.namespace ?? namespace,
      name: r.name,
      weight: r.weight ?? DEFAULT_BACKEND_WEIGHT,
    })),
    timeouts: timeouts(rule),
    ...(rule.api ? { api: rule.api } : {}),
    retry: {
      attempts: rule.retry?.attempts ?? AIROUTE_DEFAULT_RETRY_ATTEMPTS,
      backoffMs:
        backoff !== undefined
          ? (parseDuration(backoff) ?? DEFAULT_RETRY_BACKOFF_MS)
          : DEFAULT_RETRY_BACKOFF_MS,
      codes: [...new Set(rule.retry?.codes ?? DEFAULT_RETRY_CODES)].sort((a, b) => a - b),
    },
  };
}

function timeouts(rule: AIRouteRule): RouteRuleModel["timeouts"] {
  const requestMs = timeoutMs(rule.timeouts?.request);
  const backendRequestMs = timeoutMs(rule.timeouts?.backendRequest);
  return {
    ...(requestMs !== undefined ? { requestMs } : {}),
    ...(backendRequestMs !== undefined ? { backendRequestMs } : {}),
  };
}

export function aiRouteModel(route: AIRoute): RouteModel {
  const ref = refOf(route.metadata);
  const secretRef = route.spec.clientAuth?.secretRef;
  const model: RouteModel = {
    kind: "AIRoute",
    group: AGENTGATEWAY_GROUP,
    ref,
    generation: generationOf(route.metadata),
    ...(route.metadata.creationTimestamp ? { creationTimestamp: route.metadata.creationTimestamp } : {}),
    parentRefs: route.spec.parentRefs,
    hostnames: route.spec.hostnames ?? [],
    rules: route.spec.rules.map((r, i) => aiRule(r, i, ref.namespace)),
    ...(secretRef
      ? { clientAuthRef: { namespace: secretRef.namespace ?? ref.namespace, name: secretRef.name } }
      : {}),
  };
  const regex = route.spec.rules
    .map((r, i) => badRegex(r.matches, `spec.rules[${i}]`))
    .find((m) => m !== undefined);
  return regex ? { ...model, problem: { reason: Reason.InvalidConfig, message: regex } } : model;
}
