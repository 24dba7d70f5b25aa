// Pure rules of the status writer: what status to write given what is there and what the
// translator wants. The translator's conditions carry no lastTransitionTime; the time a
// condition's status last FLIPPED is kept from the live object, and `now` is used only for a
// new condition or a flip. Routes: other controllers' parents[] entries are kept as they are;
// only the entries with our controllerName are replaced.
import type { Condition } from "../api/meta.ts";
import type { GatewayStatus, ObjectStatus, RouteParentStatus } from "../core/types.ts";
import { canonicalJson } from "./canonical-hash.ts";

type Json = Record<string, unknown>;

/** Top-level status fields we own per kind (absent in the desired status → removed). */
export const OWNED_STATUS_FIELDS: Record<ObjectStatus["kind"], readonly string[]> = {
  GatewayClass: ["conditions"],
  Gateway: ["conditions", "listeners", "addresses"],
  AIRoute: ["parents"],
  HTTPRoute: ["parents"],
  AgentgatewayBackend: ["conditions"],
  AgentgatewayPolicy: ["conditions", "usage", "usageTruncated"],
};

export function withTransitionTimes(
  next: readonly Condition[],
  prev: readonly unknown[] | undefined,
  now: string,
): Condition[] {
  return next.map((c) => {
    const old = (prev ?? []).find((p): p is Json => isJson(p) && p.type === c.type);
    const kept =
      old && old.status === c.status && typeof old.lastTransitionTime === "string"
        ? old.lastTransitionTime
        : now;
    return { ...c, lastTransitionTime: kept };
  });
}

/** The full status to store: the live status merged with the translator's. */
export function desiredStatus(
  target: ObjectStatus,
  live: unknown,
  controllerName: string,
  now: string,
): Json {
  const prev = isJson(live) ? live : {};
  switch (target.kind) {
    case "GatewayClass":
    case "AgentgatewayBackend":
      return {
        ...prev,
        conditions: withTransitionTimes(target.status.conditions, arr(prev.conditions), now),
      };
    case "AgentgatewayPolicy": {
      // usage is the translator's alone: rows it no longer reports are removed
      const { usage: _u, usageTruncated: _t, ...rest } = prev;
      const s = target.status;
      return {
        ...rest,
        conditions: withTransitionTimes(s.conditions, arr(prev.conditions), now),
        ...(s.usage !== undefined ? { usage: s.usage as unknown as Json[] } : {}),
        ...(s.usageTruncated ? { usageTruncated: true } : {}),
      };
    }
    case "Gateway":
      return gatewayStatus(target.status, prev, now);
    case "AIRoute":
    case "HTTPRoute":
      return routeStatus(target.status.parents, prev, controllerName, now);
  }
}

function gatewayStatus(next: GatewayStatus, prev: Json, now: string): Json {
  const prevListeners = arr(prev.listeners).filter(isJson);
  const listeners = next.listeners.map((l) => {
    const old = prevListeners.find((p) => p.name === l.name);
    return { ...l, conditions: withTransitionTimes(l.conditions, arr(old?.conditions), now) };
  });
  const out: Json = {
    ...prev,
    conditions: withTransitionTimes(next.conditions, arr(prev.conditions), now),
    listeners,
  };
  if (next.addresses && next.addresses.length > 0) out.addresses = next.addresses;
  else delete out.addresses;
  return out;
}

function routeStatus(
  ours: readonly RouteParentStatus[],
  prev: Json,
  controllerName: string,
  now: string,
): Json {
  const prevParents = arr(prev.parents).filter(isJson);
  const others = prevParents.filter((p) => p.controllerName !== controllerName);
  const oursPrev = prevParents.filter((p) => p.controllerName === controllerName);
  const merged = ours.map((entry) => {
    const key = parentRefKey(entry.parentRef);
    const old = oursPrev.find((p) => parentRefKey(p.parentRef) === key);
    return { ...entry, conditions: withTransitionTimes(entry.conditions, arr(old?.conditions), now) };
  });
  return { ...prev, parents: [...others, ...merged] };
}

/** A route status with our parents[] entries removed (the route no longer attaches to us). */
export function withoutOurParents(live: unknown, controllerName: string): Json | undefined {
  const prev = isJson(live) ? live : {};
  const parents = arr(prev.parents).filter(isJson);
  if (!parents.some((p) => p.controllerName === controllerName)) return undefined;
  return { ...prev, parents: parents.filter((p) => p.controllerName !== controllerName) };
}

/** Equal for our purposes: ignoring lastTransitionTime and API-server defaults of refs. */
export function statusEquivalent(a: unknown, b: unknown): boolean {
  return canonicalJson(normalize(a, "")) === canonicalJson(normalize(b, ""));
}

/** JSON merge patch body for the status subresource: owned fields absent in `desired` → null. */
export function statusPatch(kind: ObjectStatus["kind"], live: unknown, desired: Json): Json {
  const prev = isJson(live) ? live : {};
  const status: Json = { ...desired };
  for (const field of OWNED_STATUS_FIELDS[kind]) {
    if (!(field in desired) && field in prev) status[field] = null;
  }
  return status;
}

function parentRefKey(ref: unknown): string {
  const r = isJson(ref) ? ref : {};
  return canonicalJson({
    group: r.group ?? "gateway.networking.k8s.io",
    kind: r.kind ?? "Gateway",
    namespace: r.namespace ?? "",
    name: r.name ?? "",
    sectionName: r.sectionName ?? "",
    port: r.port ?? 0,
  });
}

function normalize(value: unknown, key: string): unknown {
  if (Array.isArray(value)) return value.map((v) => normalize(v, key));
  if (!isJson(value)) return value;
  const out: Json = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === "lastTransitionTime") continue;
    out[k] = normalize(v, k);
  }
  if (key === "parentRef") {
    out.group ??= "gateway.networking.k8s.io";
    out.kind ??= "Gateway";
  }
  if (key === "supportedKinds") out.group ??= "gateway.networking.k8s.io";
  return out;
}

function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function isJson(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
