// translate(resourceSet, settings) → { snapshots per Gateway, statuses }. PURE: no I/O, no clock,
// no randomness, no environment; equal inputs give deep-equal outputs; every list is sorted.
// Never throws on bad input: invalid objects get a False condition and are left out.
//
//   validate inputs → GatewayClasses (ours) → Gateways (listeners) → backends (providers,
//   credentials) → routes (backendRefs, client keys, attachment) → per Gateway: snapshot, then
//   status derived from the same data (attachedRoutes, Programmed against the data plane).
import type { GatewayConfig } from "../../../gateway/src/snapshot/schema.ts";
import { providersHealthy } from "./backend-health.ts";
import { type BackendOutcome, backendConditions, evaluateBackend, invalidBackend } from "./backends.ts";
import { gatewayClientAuth } from "./client-auth.ts";
import { sortConditions } from "./conditions.ts";
import { evaluateGatewayClasses } from "./gateway-classes.ts";
import { gatewayStatus, invalidGatewayStatus } from "./gateway-status.ts";
import { evaluateGateways, type GatewayEvaluation, type GatewayModel } from "./gateways.ts";
import { keyOf, refOf } from "./object-ref.ts";
import { evaluatePolicies } from "./policies.ts";
import { parseProviderOverride } from "./provider-override.ts";
import { evaluateRoute, type RouteContext, type RouteEvaluation } from "./route-evaluation.ts";
import { routeModels } from "./routes.ts";
import { buildSnapshot, emptySnapshot } from "./snapshot.ts";
import { compareStrings, sortBy } from "./sorting.ts";
import type { DataPlaneState, ObjectStatus, ResourceSet, Settings, TranslateResult } from "./types.ts";
import { type ValidatedInputs, validateInputs } from "./validate.ts";

function evaluateBackends(inputs: ValidatedInputs, settings: Settings): Map<string, BackendOutcome> {
  const ctx = {
    secrets: inputs.secrets,
    referenceGrants: inputs.referenceGrants,
    override: parseProviderOverride(settings.providerOverride),
  };
  const out = new Map<string, BackendOutcome>();
  for (const b of inputs.backends.invalid)
    out.set(keyOf(b.ref), invalidBackend(b.ref, b.generation, b.problem));
  for (const b of inputs.backends.valid) {
    const o = evaluateBackend(b, ctx);
    out.set(keyOf(o.ref), o);
  }
  return out;
}

function backendStatuses(
  outcomes: ReadonlyMap<string, BackendOutcome>,
  dataPlane: Readonly<Record<string, DataPlaneState>>,
): ObjectStatus[] {
  return [...outcomes.values()].map((o) => {
    const health = o.config ? providersHealthy(o.config, dataPlane, o.generation) : undefined;
    const conditions = backendConditions(o);
    return {
      kind: "AgentgatewayBackend",
      ...o.ref,
      generation: o.generation,
      status: { conditions: health ? sortConditions([...conditions, health]) : conditions },
    };
  });
}

function attachedCounts(gw: GatewayModel, evaluations: readonly RouteEvaluation[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const ev of evaluations) {
    for (const name of ev.attachments.get(gw.key)?.keys() ?? [])
      counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

function dataPlaneOf(rs: ResourceSet, key: string): DataPlaneState | undefined {
  return rs.dataPlane && Object.hasOwn(rs.dataPlane, key) ? rs.dataPlane[key] : undefined;
}

function gatewayOutputs(
  gateways: GatewayEvaluation,
  evaluations: readonly RouteEvaluation[],
  outcomes: ReadonlyMap<string, BackendOutcome>,
  inputs: ValidatedInputs,
  rs: ResourceSet,
) {
  const snapshots = new Map<string, GatewayConfig>();
  const statuses: ObjectStatus[] = [];
  for (const gw of gateways.models.values()) {
    const clientAuth = gatewayClientAuth(gw.ref, gw.annotations, inputs.secrets);
    const snapshot = buildSnapshot(gw, evaluations, outcomes, clientAuth?.clientAuth);
    snapshots.set(gw.key, snapshot);
    statuses.push(
      gatewayStatus({
        gateway: gw,
        snapshot,
        attached: attachedCounts(gw, evaluations),
        dataPlane: dataPlaneOf(rs, gw.key),
        services: inputs.services,
        clientAuth,
      }),
    );
  }
  for (const bad of gateways.invalid) {
    snapshots.set(keyOf(bad.ref), emptySnapshot(bad.ref));
    statuses.push(invalidGatewayStatus(bad, inputs.services));
  }
  return { snapshots, statuses };
}

function sortedRecord<T>(entries: Map<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of [...entries.keys()].sort(compareStrings)) out[k] = entries.get(k) as T;
  return out;
}

export function translate(rs: ResourceSet, settings: Settings): TranslateResult {
  const inputs = validateInputs(rs);
  const classes = evaluateGatewayClasses(inputs.gatewayClasses, settings.controllerName);
  const gateways = evaluateGateways(inputs.gateways, classes.ours);
  const outcomes = evaluateBackends(inputs, settings);
  const ctx: RouteContext = {
    gateways: gateways.models,
    invalidGateways: new Set(gateways.invalid.map((g) => keyOf(g.ref))),
    namespaces: inputs.namespaces,
    controllerName: settings.controllerName,
    backends: outcomes,
    referenceGrants: inputs.referenceGrants,
    secrets: inputs.secrets,
  };
  const evaluations = routeModels(inputs).map((r) => evaluateRoute(r, ctx));
  const gw = gatewayOutputs(gateways, evaluations, outcomes, inputs, rs);
  const policies = evaluatePolicies(
    inputs.policies.valid,
    inputs.policies.invalid,
    {
      gateways: new Set(gateways.models.keys()),
      aiRoutes: new Set(inputs.aiRoutes.valid.map((r) => keyOf(refOf(r.metadata)))),
      httpRoutes: new Set(inputs.httpRoutes.valid.map((r) => keyOf(refOf(r.metadata)))),
      backends: new Set(outcomes.keys()),
    },
    gw.snapshots,
    (key) => dataPlaneOf(rs, key),
    new Map(inputs.configMaps.map((c) => [keyOf(refOf(c.metadata)), c])),
  );
  for (const [key, list] of policies.perGateway) {
    const snapshot = gw.snapshots.get(key);
    if (snapshot) gw.snapshots.set(key, { ...snapshot, policies: list });
  }
  const statuses = [
    ...classes.statuses,
    ...gw.statuses,
    ...evaluations.map((ev) => ev.status),
    ...backendStatuses(outcomes, rs.dataPlane ?? {}),
    ...policies.statuses,
  ];
  return {
    snapshots: sortedRecord(gw.snapshots),
    statuses: sortBy(statuses, (s) => [s.kind, s.namespace ?? "", s.name]),
  };
}
