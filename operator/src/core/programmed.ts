// Programmed is data too: True only when a proxy is connected AND a proxy acked a snapshot whose
// listeners are the current ones (for a listener: that acked snapshot carries it unchanged).

import type { ListenerConfig } from "../../../gateway/src/snapshot/schema.ts";
import type { Condition } from "../api/meta.ts";
import { condition } from "./conditions.ts";
import { ConditionType, Reason } from "./reasons.ts";
import type { DataPlaneState } from "./types.ts";

export const NO_PROXY_MESSAGE = "no proxy connected";
export const WAITING_ACK_MESSAGE = "waiting for a proxy to acknowledge the current listeners";

export function sameListener(a: ListenerConfig, b: ListenerConfig): boolean {
  return a.name === b.name && a.port === b.port && a.protocol === b.protocol && a.hostname === b.hostname;
}

export function sameListeners(a: readonly ListenerConfig[], b: readonly ListenerConfig[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((l) => b.some((o) => sameListener(l, o)));
}

function pending(dp: DataPlaneState | undefined, generation: number): Condition {
  const message = (dp?.connectedProxies ?? 0) > 0 ? WAITING_ACK_MESSAGE : NO_PROXY_MESSAGE;
  return condition(ConditionType.Programmed, false, Reason.Pending, message, generation);
}

/** Why a proxy could not bind this listener's port, when it could not. */
export function portUnavailable(
  listener: ListenerConfig,
  dp: DataPlaneState | undefined,
): string | undefined {
  if (!dp || dp.connectedProxies === 0) return undefined;
  const u = dp.unavailablePorts?.find((p) => p.port === listener.port);
  return u ? `port ${u.port} unavailable: ${u.reason}` : undefined;
}

export function gatewayProgrammed(
  listeners: readonly ListenerConfig[],
  dp: DataPlaneState | undefined,
  generation: number,
): Condition {
  if (listeners.length === 0) {
    return condition(
      ConditionType.Programmed,
      false,
      Reason.Invalid,
      "no valid listener to program",
      generation,
    );
  }
  const unavailable = listeners.flatMap((l) => {
    const why = portUnavailable(l, dp);
    return why ? [`listener ${l.name}: ${why}`] : [];
  });
  if (unavailable.length > 0) {
    return condition(ConditionType.Programmed, false, Reason.Pending, unavailable.join("; "), generation);
  }
  const acked = dp?.ackedListeners;
  if (dp && dp.connectedProxies > 0 && acked && sameListeners(acked, listeners)) {
    return condition(
      ConditionType.Programmed,
      true,
      Reason.Programmed,
      "a proxy serves the current listeners",
      generation,
    );
  }
  return pending(dp, generation);
}

export function listenerProgrammed(
  listener: ListenerConfig,
  dp: DataPlaneState | undefined,
  generation: number,
): Condition {
  const unavailable = portUnavailable(listener, dp);
  if (unavailable) return condition(ConditionType.Programmed, false, Reason.Pending, unavailable, generation);
  const acked = dp?.ackedListeners;
  if (dp && dp.connectedProxies > 0 && acked?.some((l) => sameListener(l, listener))) {
    return condition(
      ConditionType.Programmed,
      true,
      Reason.Programmed,
      "a proxy serves this listener",
      generation,
    );
  }
  return pending(dp, generation);
}
