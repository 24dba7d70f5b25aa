// Gateway API route precedence, match by match: Exact path before PathPrefix, longer path first,
// more header matches first, a model match before none, then the oldest route (creationTimestamp),
// then namespace/name, kind, rule index, match index. A match without path counts as PathPrefix "/".
import type { RouteConfig } from "../../../gateway/src/snapshot/schema.ts";
import { sortBy } from "./sorting.ts";

export interface RankedRoute {
  config: RouteConfig;
  /** metadata.creationTimestamp (RFC 3339, so strings sort in time order); absent sorts last. */
  createdAt?: string;
}

const NO_TIMESTAMP = "\uffff";

export function precedenceKey(r: RankedRoute): (string | number)[] {
  const m = r.config.match;
  const path = m.path ?? { type: "PathPrefix", value: "/" };
  return [
    path.type === "Exact" ? 0 : 1,
    -path.value.length,
    -(m.headers?.length ?? 0),
    m.model !== undefined ? 0 : 1,
    r.createdAt ?? NO_TIMESTAMP,
    r.config.namespace,
    r.config.name,
    r.config.kind,
    r.config.rule,
    r.config.matchIndex,
    r.config.hostnames.join(","),
    r.config.listeners.join(","),
  ];
}

export function sortByPrecedence(routes: readonly RankedRoute[]): RouteConfig[] {
  return sortBy(routes, precedenceKey).map((r) => r.config);
}
