// Listener validation: protocol (HTTP only), conflicts on a port, allowed route kinds. A listener
// is served (in the snapshot, routes may attach) only when all three are fine.

import type { ListenerConfig } from "../../../gateway/src/snapshot/schema.ts";
import { AGENTGATEWAY_GROUP, GATEWAY_GROUP, type Listener } from "../api/gateway-api.ts";
import { type Problem, Reason } from "./reasons.ts";
import { sortBy } from "./sorting.ts";

export interface RouteGroupKind {
  group: string;
  kind: string;
}

/** Route kinds an HTTP listener accepts (and the default when allowedRoutes.kinds is unset). */
export const SUPPORTED_ROUTE_KINDS: readonly RouteGroupKind[] = [
  { group: AGENTGATEWAY_GROUP, kind: "AIRoute" },
  { group: GATEWAY_GROUP, kind: "HTTPRoute" },
];

export const SUPPORTED_PROTOCOLS = ["HTTP"] as const;

export interface ListenerModel {
  listener: Listener;
  name: string;
  supportedKinds: RouteGroupKind[];
  /** UnsupportedProtocol. */
  protocolProblem?: Problem;
  /** HostnameConflict / ProtocolConflict. */
  conflict?: Problem;
  /** InvalidRouteKinds. */
  kindsProblem?: Problem;
  /** Present when the listener is served. */
  config?: ListenerConfig;
}

function protocolProblem(l: Listener): Problem | undefined {
  if (l.protocol === "HTTP") return undefined;
  return {
    reason: Reason.UnsupportedProtocol,
    message: `protocol ${l.protocol} is not supported; supported: ${SUPPORTED_PROTOCOLS.join(", ")}`,
  };
}

function hostKey(l: Listener): string {
  return (l.hostname ?? "").toLowerCase();
}

/**
 * Conflicts with other listeners on the same port: protocol first, then hostname. Only listeners
 * whose protocol this implementation supports count as the other side: Gateway API v1.4
 * (GatewaySpec.Listeners) says that when an implementation does not support TCP listeners the
 * rule making HTTP listeners on a TCP listener's port indistinct "does not apply", and the
 * unsupported listener is simply not accepted. The unsupported listener itself still reports the
 * conflict it would have.
 */
export function listenerConflict(l: Listener, all: readonly Listener[]): Problem | undefined {
  const samePort = all.filter((o) => o !== l && o.port === l.port && protocolProblem(o) === undefined);
  const otherProtocol = samePort.find((o) => o.protocol !== l.protocol);
  if (otherProtocol) {
    return {
      reason: Reason.ProtocolConflict,
      message: `listener ${otherProtocol.name} also uses port ${l.port}, with protocol ${otherProtocol.protocol}`,
    };
  }
  const sameHost = samePort.find((o) => hostKey(o) === hostKey(l));
  if (sameHost) {
    const host = l.hostname ? `hostname ${l.hostname}` : "no hostname";
    return {
      reason: Reason.HostnameConflict,
      message: `listener ${sameHost.name} also uses port ${l.port} with ${host}`,
    };
  }
  return undefined;
}

function isSupported(k: RouteGroupKind): boolean {
  return SUPPORTED_ROUTE_KINDS.some((s) => s.group === k.group && s.kind === k.kind);
}

function routeKinds(l: Listener): { kinds: RouteGroupKind[]; problem?: Problem } {
  const listed = l.allowedRoutes?.kinds;
  if (listed === undefined || listed.length === 0) return { kinds: [...SUPPORTED_ROUTE_KINDS] };
  const asked = listed.map((k) => ({ group: k.group ?? GATEWAY_GROUP, kind: k.kind }));
  const valid = asked.filter(isSupported);
  const kinds = sortBy(
    valid.filter((k, i) => valid.findIndex((o) => o.group === k.group && o.kind === k.kind) === i),
    (k) => [k.group, k.kind],
  );
  const invalid = asked.filter((k) => !isSupported(k));
  if (invalid.length === 0) return { kinds };
  const names = invalid.map((k) => `${k.group}/${k.kind}`).join(", ");
  const supported = SUPPORTED_ROUTE_KINDS.map((k) => `${k.group}/${k.kind}`).join(", ");
  return {
    kinds,
    problem: {
      reason: Reason.InvalidRouteKinds,
      message: `unsupported route kinds: ${names}; supported: ${supported}`,
    },
  };
}

function listenerConfig(l: Listener): ListenerConfig {
  return {
    name: l.name,
    port: l.port,
    protocol: "HTTP",
    ...(l.hostname !== undefined ? { hostname: l.hostname.toLowerCase() } : {}),
  };
}

export function evaluateListener(l: Listener, all: readonly Listener[]): ListenerModel {
  const protocol = protocolProblem(l);
  const conflict = listenerConflict(l, all);
  const kinds = protocol ? { kinds: [] } : routeKinds(l);
  const served = !protocol && !conflict && kinds.kinds.length > 0;
  return {
    listener: l,
    name: l.name,
    supportedKinds: kinds.kinds,
    ...(protocol ? { protocolProblem: protocol } : {}),
    ...(conflict ? { conflict } : {}),
    ...(kinds.problem ? { kindsProblem: kinds.problem } : {}),
    ...(served ? { config: listenerConfig(l) } : {}),
  };
}

/** Why a listener is not served, for its Programmed=False Invalid condition. */
export function notServedReason(m: ListenerModel): string | undefined {
  if (m.config) return undefined;
  if (m.protocolProblem) return m.protocolProblem.message;
  if (m.conflict) return `conflicted: ${m.conflict.message}`;
  return "no supported route kinds";
}

export function evaluateListeners(listeners: readonly Listener[]): ListenerModel[] {
  return sortBy(
    listeners.map((l) => evaluateListener(l, listeners)),
    (m) => [m.name],
  );
}
