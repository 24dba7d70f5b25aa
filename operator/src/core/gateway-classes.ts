// GatewayClasses: ours (spec.controllerName === settings.controllerName) get Accepted=True; other
// controllers' classes are ignored entirely.
import type { GatewayClass } from "../api/gateway-api.ts";
import { condition, failed } from "./conditions.ts";
import { generationOf } from "./object-ref.ts";
import { ConditionType, Reason } from "./reasons.ts";
import type { ObjectStatus } from "./types.ts";
import type { Partitioned } from "./validate.ts";

export interface GatewayClassResult {
  /** Names of the valid GatewayClasses we own. */
  ours: Set<string>;
  statuses: ObjectStatus[];
}

export function evaluateGatewayClasses(
  classes: Partitioned<GatewayClass>,
  controllerName: string,
): GatewayClassResult {
  const ours = new Set<string>();
  const statuses: ObjectStatus[] = [];
  for (const gc of classes.valid) {
    if (gc.spec.controllerName !== controllerName) continue;
    ours.add(gc.metadata.name);
    const generation = generationOf(gc.metadata);
    const accepted = condition(
      ConditionType.Accepted,
      true,
      Reason.Accepted,
      "GatewayClass is accepted",
      generation,
    );
    statuses.push({
      kind: "GatewayClass",
      name: gc.metadata.name,
      generation,
      status: { conditions: [accepted] },
    });
  }
  for (const bad of classes.invalid) {
    if (bad.className !== controllerName) continue;
    const conditions = [failed(ConditionType.Accepted, bad.problem, bad.generation)];
    statuses.push({
      kind: "GatewayClass",
      name: bad.ref.name,
      generation: bad.generation,
      status: { conditions },
    });
  }
  return { ours, statuses };
}
