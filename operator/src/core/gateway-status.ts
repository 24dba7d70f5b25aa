// Gateway status: addresses, conditions (Accepted, Programmed, and ResolvedRefs for the client keys
// Secret named by the agentgateway.dev/client-keys-secret annotation: always written, True when
// there is nothing to resolve), and one entry per listener.

import type { GatewayConfig } from "../../../gateway/src/snapshot/schema.ts";
import type { Service } from "../api/gateway-api.ts";
import type { Condition } from "../api/meta.ts";
import { gatewayAddresses } from "./addresses.ts";
import type { ClientAuthOutcome } from "./client-auth.ts";
import { condition, failed, sortConditions } from "./conditions.ts";
import type { GatewayModel } from "./gateways.ts";
import { type ListenerModel, notServedReason } from "./listeners.ts";
import { gatewayProgrammed, listenerProgrammed, portUnavailable } from "./programmed.ts";
import { ConditionType, Reason } from "./reasons.ts";
import type { DataPlaneState, ListenerStatus, ObjectStatus } from "./types.ts";
import type { InvalidObject } from "./validate.ts";

export interface GatewayStatusInput {
  gateway: GatewayModel;
  snapshot: GatewayConfig;
  /** Listener name → number of routes attached to it. */
  attached: ReadonlyMap<string, number>;
  dataPlane: DataPlaneState | undefined;
  services: readonly Service[];
  clientAuth: ClientAuthOutcome | undefined;
}

function listenerConditions(l: ListenerModel, dp: DataPlaneState | undefined, g: number): Condition[] {
  // Gateway API v1.4, GatewaySpec.Listeners: "ALL indistinct Listeners must not be accepted for
  // processing" and their status SHOULD show they are "conflicted and not Accepted".
  const notAccepted = l.protocolProblem ?? l.conflict;
  const unavailable = l.config ? portUnavailable(l.config, dp) : undefined;
  const accepted = notAccepted
    ? failed(ConditionType.Accepted, notAccepted, g)
    : unavailable
      ? condition(ConditionType.Accepted, false, Reason.PortUnavailable, unavailable, g)
      : condition(ConditionType.Accepted, true, Reason.Accepted, "listener is accepted", g);
  const conflicted = l.conflict
    ? condition(ConditionType.Conflicted, true, l.conflict.reason, l.conflict.message, g)
    : condition(ConditionType.Conflicted, false, Reason.NoConflicts, "no conflicts", g);
  const refs = l.kindsProblem
    ? failed(ConditionType.ResolvedRefs, l.kindsProblem, g)
    : condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, "all references resolved", g);
  const notServed = notServedReason(l);
  const programmed =
    notServed !== undefined || !l.config
      ? condition(ConditionType.Programmed, false, Reason.Invalid, notServed ?? "not served", g)
      : listenerProgrammed(l.config, dp, g);
  return sortConditions([accepted, conflicted, programmed, refs]);
}

function listenerStatus(l: ListenerModel, input: GatewayStatusInput): ListenerStatus {
  return {
    name: l.name,
    supportedKinds: l.supportedKinds.map((k) => ({ ...k })),
    attachedRoutes: l.config ? (input.attached.get(l.name) ?? 0) : 0,
    conditions: listenerConditions(l, input.dataPlane, input.gateway.generation),
  };
}

function acceptedCondition(gw: GatewayModel): Condition {
  const bad = gw.listeners.filter((l) => !l.config).map((l) => l.name);
  const g = gw.generation;
  if (gw.listeners.length > 0 && bad.length === 0) {
    return condition(ConditionType.Accepted, true, Reason.Accepted, "Gateway is accepted", g);
  }
  if (bad.length < gw.listeners.length) {
    return condition(
      ConditionType.Accepted,
      true,
      Reason.ListenersNotValid,
      // Gateway API v1.4: the ListenersNotValid message "SHOULD clearly indicate ... which
      // Listeners are conflicted, and which are Accepted".
      `listener(s) not valid: ${bad.join(", ")}; served: ${gw.listeners
        .filter((l) => l.config)
        .map((l) => l.name)
        .join(", ")}`,
      g,
    );
  }
  return condition(ConditionType.Accepted, false, Reason.ListenersNotValid, "no valid listener", g);
}

function resolvedRefsCondition(outcome: ClientAuthOutcome | undefined, g: number): Condition {
  if (outcome?.problem) return failed(ConditionType.ResolvedRefs, outcome.problem, g);
  const message = outcome
    ? `client keys Secret ${outcome.clientAuth.secretRef} resolved`
    : "no references to resolve";
  return condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, message, g);
}

export function gatewayStatus(input: GatewayStatusInput): ObjectStatus {
  const { gateway: gw } = input;
  const addresses = gatewayAddresses(input.services, gw.ref);
  const conditions = sortConditions([
    acceptedCondition(gw),
    gatewayProgrammed(input.snapshot.listeners, input.dataPlane, gw.generation),
    resolvedRefsCondition(input.clientAuth, gw.generation),
  ]);
  return {
    kind: "Gateway",
    ...gw.ref,
    generation: gw.generation,
    status: {
      ...(addresses ? { addresses } : {}),
      conditions,
      listeners: gw.listeners.map((l) => listenerStatus(l, input)),
    },
  };
}

/** A Gateway of ours that failed validation: every condition False with the problem. */
export function invalidGatewayStatus(bad: InvalidObject, services: readonly Service[]): ObjectStatus {
  const g = bad.generation;
  const addresses = gatewayAddresses(services, bad.ref);
  const conditions = sortConditions([
    failed(ConditionType.Accepted, bad.problem, g),
    condition(ConditionType.Programmed, false, Reason.Invalid, "Gateway is not valid", g),
    failed(ConditionType.ResolvedRefs, bad.problem, g),
  ]);
  return {
    kind: "Gateway",
    ...bad.ref,
    generation: g,
    status: { ...(addresses ? { addresses } : {}), conditions, listeners: [] },
  };
}
