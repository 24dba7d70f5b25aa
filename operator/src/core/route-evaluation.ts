// One route, evaluated once: its backendRefs and client keys resolved, each of our parentRefs
// attached (or not), and the parents[] entries that say so. Snapshots and listener counts are
// derived from the same evaluation, so status cannot disagree with what the proxy gets.

import type { ClientAuth } from "../../../gateway/src/snapshot/schema.ts";
import type { ReferenceGrant, Secret } from "../api/gateway-api.ts";
import type { ParentReference } from "../api/meta.ts";
import { type AttachContext, attach, targetsOurGateway } from "./attachment.ts";
import { type BackendRefContext, resolveBackendRef } from "./backend-refs.ts";
import { routeClientAuth } from "./client-auth.ts";
import { condition, failed, sortConditions, summarize } from "./conditions.ts";
import { ConditionType, type Problem, Reason } from "./reasons.ts";
import type { RouteModel } from "./route-model.ts";
import { sortBy } from "./sorting.ts";
import type { ObjectStatus, RouteParentStatus } from "./types.ts";

export interface RouteContext extends AttachContext, BackendRefContext {
  secrets: readonly Secret[];
  referenceGrants: readonly ReferenceGrant[];
}

export interface ResolvedBackend {
  backend: string;
  weight: number;
}

export interface RouteEvaluation {
  route: RouteModel;
  /** Gateway key → listener name → effective hostnames, for every accepted parentRef. */
  attachments: Map<string, Map<string, string[]>>;
  /** Resolved backends per rule index. */
  ruleBackends: ResolvedBackend[][];
  /** Per rule index, the summed weight of backendRefs that did not resolve (their share gets 500). */
  ruleInvalidWeights: number[];
  clientAuth?: ClientAuth;
  /** Our parents[] entries (empty for an HTTPRoute of other controllers' Gateways only). */
  status: ObjectStatus;
}

function parentRefEcho(p: ParentReference): RouteParentStatus["parentRef"] {
  return {
    ...(p.group !== undefined ? { group: p.group } : {}),
    ...(p.kind !== undefined ? { kind: p.kind } : {}),
    ...(p.namespace !== undefined ? { namespace: p.namespace } : {}),
    name: p.name,
    ...(p.sectionName !== undefined ? { sectionName: p.sectionName } : {}),
    ...(p.port !== undefined ? { port: p.port } : {}),
  };
}

function parentSortKey(p: ParentReference): (string | number)[] {
  return [p.namespace ?? "", p.name, p.sectionName ?? "", p.port ?? 0, p.group ?? "", p.kind ?? ""];
}

/** Our parentRefs, deduplicated and sorted. */
function ourParentRefs(route: RouteModel, ctx: RouteContext): ParentReference[] {
  const ours =
    route.kind === "AIRoute"
      ? route.parentRefs
      : route.parentRefs.filter((p) => targetsOurGateway(route, p, ctx));
  const seen = new Set<string>();
  const unique = ours.filter((p) => {
    const k = JSON.stringify(parentSortKey(p));
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  return sortBy(unique, parentSortKey);
}

function resolveRules(route: RouteModel, ctx: RouteContext) {
  const problems: Problem[] = [];
  const ruleInvalidWeights: number[] = [];
  const ruleBackends = route.rules.map((rule) => {
    const resolved: ResolvedBackend[] = [];
    let invalid = 0;
    for (const ref of rule.backendRefs) {
      const r = resolveBackendRef(route, ref, ctx);
      if (typeof r === "string") resolved.push({ backend: r, weight: ref.weight });
      else {
        problems.push(r);
        invalid += ref.weight;
      }
    }
    ruleInvalidWeights[rule.index] = invalid;
    return sortBy(resolved, (b) => [b.backend, b.weight]);
  });
  return { ruleBackends, ruleInvalidWeights, problems };
}

function parentEntry(
  route: RouteModel,
  p: ParentReference,
  accepted: Problem | undefined,
  refs: Problem | undefined,
  controllerName: string,
): RouteParentStatus {
  const g = route.generation;
  const acceptedCond = accepted
    ? failed(ConditionType.Accepted, accepted, g)
    : condition(ConditionType.Accepted, true, Reason.Accepted, "route is accepted", g);
  const refsCond = refs
    ? failed(ConditionType.ResolvedRefs, refs, g)
    : condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, "all references resolved", g);
  return {
    parentRef: parentRefEcho(p),
    controllerName,
    conditions: sortConditions([acceptedCond, refsCond]),
  };
}

function mergeAttachment(
  into: RouteEvaluation["attachments"],
  key: string,
  listeners: Map<string, string[]>,
): void {
  const existing = into.get(key) ?? new Map<string, string[]>();
  for (const [name, hosts] of listeners) existing.set(name, hosts);
  into.set(key, existing);
}

/**
 * The route's status. An HTTPRoute none of whose parentRefs are ours still gets `parents: []`:
 * the status writer replaces only our entries, so a stale entry of ours (the route moved to
 * another Gateway) is removed, and nothing is written when there is none.
 */
function statusOf(route: RouteModel, parents: RouteParentStatus[]): ObjectStatus {
  return { kind: route.kind, ...route.ref, generation: route.generation, status: { parents } };
}

export function evaluateRoute(route: RouteModel, ctx: RouteContext): RouteEvaluation {
  const parentRefs = ourParentRefs(route, ctx);
  const attachments: RouteEvaluation["attachments"] = new Map();
  if (route.problem) {
    const parents = parentRefs.map((p) =>
      parentEntry(route, p, route.problem, route.problem, ctx.controllerName),
    );
    return { route, attachments, ruleBackends: [], ruleInvalidWeights: [], status: statusOf(route, parents) };
  }
  const { ruleBackends, ruleInvalidWeights, problems } = resolveRules(route, ctx);
  const client = routeClientAuth(route, ctx.secrets, ctx.referenceGrants);
  if (client?.problem) problems.push(client.problem);
  const refs = summarize(problems);
  const parents = parentRefs.map((p) => {
    const a = attach(route, p, ctx);
    if ("reason" in a) return parentEntry(route, p, a, refs, ctx.controllerName);
    mergeAttachment(attachments, a.gatewayKey, a.listeners);
    return parentEntry(route, p, undefined, refs, ctx.controllerName);
  });
  return {
    route,
    attachments,
    ruleBackends,
    ruleInvalidWeights,
    ...(client ? { clientAuth: client.clientAuth } : {}),
    status: statusOf(route, parents),
  };
}
