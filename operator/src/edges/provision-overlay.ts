// A Gateway whose proxy objects could not be provisioned (an object with the same name belongs
// to someone else) is not served, so its Programmed condition must say so: False with the
// provisioner's reason and message. Like rejection-overlay.ts, this is an edge overlay on the
// translator's statuses, because only the provisioner knows what exists in the cluster.
import type { Condition } from "../api/meta.ts";
import type { ObjectStatus } from "../core/types.ts";
import type { ProvisionConflict } from "./provisioner.ts";

export function overlayProvisionConflicts(
  statuses: readonly ObjectStatus[],
  conflicts: ReadonlyMap<string, ProvisionConflict>,
): ObjectStatus[] {
  if (conflicts.size === 0) return [...statuses];
  return statuses.map((s) => {
    if (s.kind !== "Gateway") return s;
    const conflict = conflicts.get(`${s.namespace}/${s.name}`);
    if (!conflict) return s;
    const programmed = (base: Condition | undefined): Condition => ({
      ...(base ?? {}),
      type: "Programmed",
      status: "False",
      reason: conflict.reason,
      message: conflict.message,
      observedGeneration: base?.observedGeneration ?? s.generation,
    });
    const conditions = s.status.conditions.map((c) => (c.type === "Programmed" ? programmed(c) : c));
    if (!conditions.some((c) => c.type === "Programmed")) conditions.push(programmed(undefined));
    return { ...s, status: { ...s.status, conditions } };
  });
}
