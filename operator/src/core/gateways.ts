// Gateways of our classes: their listeners evaluated, plus the set of ours that are invalid (those
// get a False status and an empty snapshot, so a proxy serving one stops serving stale config).
import type { Gateway } from "../api/gateway-api.ts";
import { evaluateListeners, type ListenerModel } from "./listeners.ts";
import { generationOf, keyOf, type NamespacedName, refOf } from "./object-ref.ts";
import { Reason } from "./reasons.ts";
import { sortBy } from "./sorting.ts";
import type { InvalidObject, Partitioned } from "./validate.ts";

export interface GatewayModel {
  ref: NamespacedName;
  key: string;
  generation: number;
  annotations: Record<string, string>;
  /** Sorted by name. */
  listeners: ListenerModel[];
}

export interface GatewayEvaluation {
  /** Valid Gateways of our classes, keyed by "<namespace>/<name>". */
  models: Map<string, GatewayModel>;
  /** Gateways of our classes that cannot be served. */
  invalid: InvalidObject[];
}

function duplicateListener(gw: Gateway): string | undefined {
  const names = gw.spec.listeners.map((l) => l.name);
  return names.find((n, i) => names.indexOf(n) !== i);
}

function semanticProblem(gw: Gateway): InvalidObject | undefined {
  const dup = duplicateListener(gw);
  if (dup === undefined) return undefined;
  return {
    ref: refOf(gw.metadata),
    generation: generationOf(gw.metadata),
    parentRefs: [],
    className: gw.spec.gatewayClassName,
    problem: {
      reason: Reason.UnsupportedValue,
      message: `spec.listeners: name "${dup}" is used more than once`,
    },
  };
}

export function evaluateGateways(
  gateways: Partitioned<Gateway>,
  ourClasses: ReadonlySet<string>,
): GatewayEvaluation {
  const models = new Map<string, GatewayModel>();
  const invalid = gateways.invalid.filter((g) => g.className !== undefined && ourClasses.has(g.className));
  for (const gw of gateways.valid) {
    if (!ourClasses.has(gw.spec.gatewayClassName)) continue;
    const bad = semanticProblem(gw);
    if (bad) {
      invalid.push(bad);
      continue;
    }
    const ref = refOf(gw.metadata);
    models.set(keyOf(ref), {
      ref,
      key: keyOf(ref),
      generation: generationOf(gw.metadata),
      annotations: gw.metadata.annotations ?? {},
      listeners: evaluateListeners(gw.spec.listeners),
    });
  }
  return { models, invalid: sortBy(invalid, (g) => [g.ref.namespace, g.ref.name]) };
}
