// A route's backendRef → "<namespace>/<name>" of a usable AgentgatewayBackend, or the Problem:
// InvalidKind (not an AgentgatewayBackend), RefNotPermitted (cross-namespace without a
// ReferenceGrant: checked before existence so a grant-less route learns nothing about the other
// namespace), BackendNotFound, BackendNotReady (exists but failed; the message says why).
import { AGENTGATEWAY_GROUP, type ReferenceGrant } from "../api/gateway-api.ts";
import type { BackendOutcome } from "./backends.ts";
import { keyOf } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";
import { refPermitted } from "./reference-grants.ts";
import type { RouteBackendRef, RouteModel } from "./route-model.ts";

export interface BackendRefContext {
  backends: ReadonlyMap<string, BackendOutcome>;
  referenceGrants: readonly ReferenceGrant[];
}

function groupKind(r: RouteBackendRef): string {
  return r.group === "" ? r.kind : `${r.group}/${r.kind}`;
}

export function resolveBackendRef(
  route: RouteModel,
  r: RouteBackendRef,
  ctx: BackendRefContext,
): string | Problem {
  const key = keyOf(r);
  if (r.group !== AGENTGATEWAY_GROUP || r.kind !== "AgentgatewayBackend") {
    return {
      reason: Reason.InvalidKind,
      message: `backendRef ${groupKind(r)} ${key} is not supported; use group ${AGENTGATEWAY_GROUP} kind AgentgatewayBackend`,
    };
  }
  const from = { group: route.group, kind: route.kind, namespace: route.ref.namespace };
  const to = { group: AGENTGATEWAY_GROUP, kind: "AgentgatewayBackend", namespace: r.namespace, name: r.name };
  if (!refPermitted(ctx.referenceGrants, from, to)) {
    return {
      reason: Reason.RefNotPermitted,
      message: `AgentgatewayBackend ${key} is in another namespace and no ReferenceGrant there allows ${route.kind}s from namespace ${route.ref.namespace}`,
    };
  }
  const outcome = ctx.backends.get(key);
  if (!outcome) return { reason: Reason.BackendNotFound, message: `AgentgatewayBackend ${key} not found` };
  if (outcome.problem) {
    return {
      reason: Reason.BackendNotReady,
      message: `AgentgatewayBackend ${key} is not ready: ${outcome.problem.reason}: ${outcome.problem.message}`,
    };
  }
  return key;
}
