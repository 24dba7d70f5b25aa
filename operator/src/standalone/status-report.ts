// What a cluster user reads with `kubectl get -o yaml`, as log records: one per condition that is
// not True (the problems), plus one summary per Gateway. Pure: statuses in, records out.
import type { Condition } from "../api/meta.ts";
import type { ObjectStatus } from "../core/types.ts";

export interface StatusRecord {
  level: "info" | "warn";
  object: string;
  condition?: string;
  reason?: string;
  message: string;
}

function conditionsOf(s: ObjectStatus): { scope: string; conditions: Condition[] }[] {
  switch (s.kind) {
    case "Gateway":
      return [
        { scope: "", conditions: s.status.conditions },
        ...s.status.listeners.map((l) => ({ scope: `listener ${l.name} `, conditions: l.conditions })),
      ];
    case "AIRoute":
    case "HTTPRoute":
      return s.status.parents.map((p) => ({
        scope: `parent ${p.parentRef.namespace ? `${p.parentRef.namespace}/` : ""}${p.parentRef.name} `,
        conditions: p.conditions,
      }));
    default:
      return [{ scope: "", conditions: s.status.conditions }];
  }
}

/** Problems (any condition that is not True, except Conflicted=False which is the good state). */
export function statusRecords(statuses: readonly ObjectStatus[]): StatusRecord[] {
  const records: StatusRecord[] = [];
  for (const s of statuses) {
    const object = `${s.kind} ${s.namespace ? `${s.namespace}/` : ""}${s.name}`;
    for (const { scope, conditions } of conditionsOf(s)) {
      for (const c of conditions) {
        const healthy = c.type === "Conflicted" ? c.status === "False" : c.status === "True";
        if (healthy) continue;
        records.push({
          level: "warn",
          object,
          condition: `${scope}${c.type}=${c.status}`,
          reason: c.reason,
          message: c.message,
        });
      }
    }
    if (s.kind === "Gateway") {
      const programmed = s.status.conditions.find((c) => c.type === "Programmed")?.status === "True";
      const routes = s.status.listeners.reduce((n, l) => n + l.attachedRoutes, 0);
      records.push({
        level: "info",
        object,
        message: `${programmed ? "programmed" : "not programmed"}: ${s.status.listeners.length} listener(s), ${routes} attached route(s)`,
      });
    }
  }
  return records;
}
