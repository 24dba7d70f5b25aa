// Hostname intersection of a listener and a route (Gateway API rules). A wildcard "*.example.com"
// matches one or more labels in front of "example.com" and never "example.com" itself.
import { uniqueSorted } from "./sorting.ts";

function isWildcard(h: string): boolean {
  return h.startsWith("*.");
}

/** Does the wildcard pattern ("*.suffix") cover the hostname (exact or wildcard)? */
function covers(wildcard: string, host: string): boolean {
  const suffix = wildcard.slice(1); // ".example.com"
  if (isWildcard(host)) return host.slice(1).endsWith(suffix) && host.length >= wildcard.length;
  return host.endsWith(suffix) && host.length > suffix.length;
}

/** The hostname both accept, or undefined. The result is the more specific of the two. */
export function intersectHostname(listener: string, route: string): string | undefined {
  const l = listener.toLowerCase();
  const r = route.toLowerCase();
  if (l === r) return l;
  if (isWildcard(l) && covers(l, r)) return r;
  if (isWildcard(r) && covers(r, l)) return l;
  return undefined;
}

/**
 * Effective hostnames of a route on a listener: [] means "any host".
 * undefined means the two do not intersect (the route cannot attach to this listener).
 */
export function effectiveHostnames(
  listenerHostname: string | undefined,
  routeHostnames: readonly string[],
): string[] | undefined {
  if (routeHostnames.length === 0) return listenerHostname ? [listenerHostname.toLowerCase()] : [];
  if (!listenerHostname) return uniqueSorted(routeHostnames.map((h) => h.toLowerCase()));
  const hits = routeHostnames
    .map((r) => intersectHostname(listenerHostname, r))
    .filter((h): h is string => h !== undefined);
  return hits.length > 0 ? uniqueSorted(hits) : undefined;
}
