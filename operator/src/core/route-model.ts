// The one internal shape of a route, whether it came from an AIRoute or an HTTPRoute: defaults
// applied, matches normalized, backendRefs with group/kind/namespace/weight filled in.

import { compileLinearRegex } from "../../../gateway/src/routing/linear-regex.ts";
import type { RouteConfig, RouteMatch } from "../../../gateway/src/snapshot/schema.ts";
import type { ParentReference } from "../api/meta.ts";
import type { NamespacedName } from "./object-ref.ts";
import type { Problem } from "./reasons.ts";

export type RouteKind = "AIRoute" | "HTTPRoute";

export interface RouteBackendRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
  weight: number;
}

export interface RouteRuleModel {
  index: number;
  /** At least one; `{}` matches every request. */
  matches: RouteMatch[];
  backendRefs: RouteBackendRef[];
  rewrite?: RouteConfig["rewrite"];
  timeouts: RouteConfig["timeouts"];
  retry: RouteConfig["retry"];
  api?: RouteConfig["api"];
}

export interface RouteModel {
  kind: RouteKind;
  /** API group of the kind, for ReferenceGrant `from`. */
  group: string;
  ref: NamespacedName;
  generation: number;
  creationTimestamp?: string;
  parentRefs: ParentReference[];
  hostnames: string[];
  rules: RouteRuleModel[];
  /** AIRoute spec.clientAuth.secretRef, namespace defaulted. */
  clientAuthRef?: NamespacedName;
  /** Set when the route cannot be served at all: every parent gets Accepted=False with it. */
  problem?: Problem;
}

/** Upstream statuses retried by default (AIRoute, and HTTPRoute when `retry` is set without codes). */
export const DEFAULT_RETRY_CODES: readonly number[] = [429, 500, 502, 503, 504];
/** Retries after the first try for an AIRoute rule that sets no `retry.attempts`. */
export const AIROUTE_DEFAULT_RETRY_ATTEMPTS = 2;
/** Pause between attempts when `retry.backoff` is unset. */
export const DEFAULT_RETRY_BACKOFF_MS = 100;
/** HTTPRoute: no retries unless the rule asks for them (Gateway API has no default). */
export const HTTPROUTE_DEFAULT_RETRY_ATTEMPTS = 0;
/** Backend weight when a backendRef sets none. */
export const DEFAULT_BACKEND_WEIGHT = 1;

type HeaderIn = { name: string; type?: "Exact" | "RegularExpression"; value: string };
type PathIn = { type?: "PathPrefix" | "Exact"; value: string };

/** Header matches: names lowercased (HTTP headers are case-insensitive), type defaulted, sorted. */
export function normalizeHeaders(headers: readonly HeaderIn[] | undefined): RouteMatch["headers"] {
  if (!headers || headers.length === 0) return undefined;
  return headers
    .map((h) => ({ name: h.name.toLowerCase(), type: h.type ?? "Exact", value: h.value }))
    .sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0,
    );
}

export function normalizePath(path: PathIn | undefined): RouteMatch["path"] {
  return path ? { type: path.type ?? "PathPrefix", value: path.value } : undefined;
}

/** A RouteMatch without undefined fields (so equal matches are deep-equal). */
export function routeMatch(
  path: RouteMatch["path"],
  headers: RouteMatch["headers"],
  model?: string,
): RouteMatch {
  return {
    ...(path ? { path } : {}),
    ...(headers ? { headers } : {}),
    ...(model !== undefined ? { model } : {}),
  };
}

/**
 * First header RegularExpression the proxy cannot run, as "<rule>.matches[j].headers[k].value: why":
 * invalid, too long, or not matchable in linear time (the proxy only runs linear-time regexes).
 */
export function badRegex(
  matches: readonly { headers?: readonly HeaderIn[] }[] | undefined,
  rulePath: string,
): string | undefined {
  for (const [j, m] of (matches ?? []).entries()) {
    for (const [k, h] of (m.headers ?? []).entries()) {
      if (h.type !== "RegularExpression") continue;
      const re = compileLinearRegex(h.value);
      if (typeof re === "string") return `${rulePath}.matches[${j}].headers[${k}].value: ${re}`;
    }
  }
  return undefined;
}
