// Route → Gateway attachment for one parentRef: which listeners of the Gateway take the route and
// with which effective hostnames, or the Problem that explains why none does.
//   sectionName/port select listeners (NoMatchingParent) → the selected must be served
//   (NoMatchingParent) → kind and namespace allowed (NotAllowedByListeners) → hostnames intersect
//   (NoMatchingListenerHostname).
import { GATEWAY_GROUP, type Namespace } from "../api/gateway-api.ts";
import type { ParentReference } from "../api/meta.ts";
import type { GatewayModel } from "./gateways.ts";
import { effectiveHostnames } from "./hostnames.ts";
import type { ListenerModel } from "./listeners.ts";
import { namespaceAllowed } from "./namespace-selector.ts";
import { keyOf } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";
import type { RouteModel } from "./route-model.ts";

export interface AttachContext {
  /** Valid Gateways of our classes by key. */
  gateways: ReadonlyMap<string, GatewayModel>;
  /** Keys of Gateways of our classes that are invalid. */
  invalidGateways: ReadonlySet<string>;
  namespaces: readonly Namespace[];
  controllerName: string;
}

export interface Attachment {
  gatewayKey: string;
  /** Listener name → effective hostnames ([] = any host). */
  listeners: Map<string, string[]>;
}

/** The Gateway key a parentRef names, or undefined when it is not a Gateway. */
export function parentGatewayKey(route: RouteModel, p: ParentReference): string | undefined {
  if ((p.group ?? GATEWAY_GROUP) !== GATEWAY_GROUP || (p.kind ?? "Gateway") !== "Gateway") return undefined;
  return keyOf({ namespace: p.namespace ?? route.ref.namespace, name: p.name });
}

/** Does this parentRef name one of our Gateways (valid or not)? */
export function targetsOurGateway(route: RouteModel, p: ParentReference, ctx: AttachContext): boolean {
  const key = parentGatewayKey(route, p);
  return key !== undefined && (ctx.gateways.has(key) || ctx.invalidGateways.has(key));
}

function names(ls: readonly ListenerModel[]): string {
  return ls.map((l) => l.name).join(", ");
}

function selectListeners(gw: GatewayModel, p: ParentReference): ListenerModel[] | Problem {
  const selected = gw.listeners.filter(
    (l) =>
      (p.sectionName === undefined || l.name === p.sectionName) &&
      (p.port === undefined || l.listener.port === p.port),
  );
  if (selected.length > 0) return selected;
  const wanted = [
    p.sectionName !== undefined ? `name ${p.sectionName}` : "",
    p.port !== undefined ? `port ${p.port}` : "",
  ].filter((s) => s !== "");
  return {
    reason: Reason.NoMatchingParent,
    message:
      `Gateway ${gw.key} has no listener ${wanted.length > 0 ? `with ${wanted.join(" and ")}` : ""}`.trim(),
  };
}

function allowedListeners(route: RouteModel, gw: GatewayModel, ls: ListenerModel[], ctx: AttachContext) {
  const served = ls.filter((l) => l.config);
  if (served.length === 0) {
    return {
      reason: Reason.NoMatchingParent,
      message: `listener(s) ${names(ls)} of Gateway ${gw.key} are not valid`,
    };
  }
  const byKind = served.filter((l) =>
    l.supportedKinds.some((k) => k.kind === route.kind && k.group === route.group),
  );
  if (byKind.length === 0) {
    return {
      reason: Reason.NotAllowedByListeners,
      message: `listener(s) ${names(served)} of Gateway ${gw.key} do not allow kind ${route.kind}`,
    };
  }
  const byNs = byKind.filter((l) =>
    namespaceAllowed(
      l.listener.allowedRoutes?.namespaces,
      gw.ref.namespace,
      route.ref.namespace,
      ctx.namespaces,
    ),
  );
  if (byNs.length === 0) {
    return {
      reason: Reason.NotAllowedByListeners,
      message: `listener(s) ${names(byKind)} of Gateway ${gw.key} do not allow routes from namespace ${route.ref.namespace}`,
    };
  }
  return byNs;
}

function withHostnames(route: RouteModel, gw: GatewayModel, ls: ListenerModel[]): Attachment | Problem {
  const listeners = new Map<string, string[]>();
  for (const l of ls) {
    const hosts = effectiveHostnames(l.listener.hostname, route.hostnames);
    if (hosts) listeners.set(l.name, hosts);
  }
  if (listeners.size > 0) return { gatewayKey: gw.key, listeners };
  return {
    reason: Reason.NoMatchingListenerHostname,
    message: `no hostname of the route (${route.hostnames.join(", ")}) matches listener(s) ${names(ls)} of Gateway ${gw.key}`,
  };
}

/** Attach a route through one parentRef. */
export function attach(route: RouteModel, p: ParentReference, ctx: AttachContext): Attachment | Problem {
  const key = parentGatewayKey(route, p);
  if (key === undefined) {
    return {
      reason: Reason.UnsupportedValue,
      message: `parentRef ${p.group ?? GATEWAY_GROUP}/${p.kind ?? "Gateway"} is not supported; only ${GATEWAY_GROUP}/Gateway`,
    };
  }
  if (ctx.invalidGateways.has(key)) {
    return { reason: Reason.NoMatchingParent, message: `Gateway ${key} is not valid (see its status)` };
  }
  const gw = ctx.gateways.get(key);
  if (!gw) {
    return {
      reason: Reason.NoMatchingParent,
      message: `Gateway ${key} not found or not managed by ${ctx.controllerName}`,
    };
  }
  const selected = selectListeners(gw, p);
  if ("reason" in selected) return selected;
  const allowed = allowedListeners(route, gw, selected, ctx);
  if ("reason" in allowed) return allowed;
  return withHostnames(route, gw, allowed);
}
