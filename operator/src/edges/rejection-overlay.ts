// A snapshot a proxy rejected must show on its Gateway. The translator only knows connected
// proxies and acked listeners (core/types.ts DataPlaneState), so this edge overlays the
// rejections on the Gateway's Programmed condition: False, reason Invalid, naming the version,
// the proxies and their (secret-free, truncated) reason.
import type { Condition } from "../api/meta.ts";
import type { ObjectStatus } from "../core/types.ts";
import type { Rejection } from "./snapshot-store.ts";

const MAX_REASON_CHARS = 300;
export const REJECTED_REASON = "Invalid";

export function overlayRejections(
  statuses: readonly ObjectStatus[],
  rejections: Record<string, Rejection[]>,
): ObjectStatus[] {
  return statuses.map((s) => {
    if (s.kind !== "Gateway") return s;
    const list = rejections[`${s.namespace}/${s.name}`];
    if (!list || list.length === 0) return s;
    const conditions = s.status.conditions.map((c) =>
      c.type === "Programmed" ? rejectedCondition(c, list, s.generation) : c,
    );
    if (!conditions.some((c) => c.type === "Programmed")) {
      conditions.push(rejectedCondition(undefined, list, s.generation));
    }
    return { ...s, status: { ...s.status, conditions } };
  });
}

function rejectedCondition(base: Condition | undefined, list: Rejection[], generation: number): Condition {
  const first = list[0];
  const proxies = list.map((r) => r.proxyId).join(", ");
  const reason = (first?.reason ?? "").slice(0, MAX_REASON_CHARS);
  return {
    ...(base ?? {}),
    type: "Programmed",
    status: "False",
    reason: REJECTED_REASON,
    message: `snapshot version ${first?.version ?? 0} was rejected by ${list.length} proxy(ies) [${proxies}]: ${reason}`,
    observedGeneration: base?.observedGeneration ?? generation,
  };
}
