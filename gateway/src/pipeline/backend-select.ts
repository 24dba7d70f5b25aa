// Backend selection: one backend of the route by weight, then that backend's providers in failover
// order: priority groups first to last, providers within a group load balanced (random rotation).
// Providers ejected by policies.health (gateway/src/health) are left out of their group and tried
// only after every other provider, as upstream falls back to ejected endpoints rather than failing.
import type { CompiledBackend, CompiledProvider, CompiledRoute } from "../snapshot/compile.ts";

export type Random = () => number;

/**
 * The backend for one request, by weight; undefined (the caller answers 500) when the route has no
 * backend or the draw falls in the share of invalid backendRefs (Gateway API HTTPBackendRef).
 */
export function pickBackend(route: CompiledRoute, random: Random = Math.random): CompiledBackend | undefined {
  let total = route.invalidWeight;
  for (const b of route.backends) total += b.weight;
  if (total <= 0) return undefined;
  let point = random() * total;
  if (point < route.invalidWeight) return undefined;
  point -= route.invalidWeight;
  for (const b of route.backends) {
    if (b.weight <= 0) continue;
    if (point < b.weight) return b.backend;
    point -= b.weight;
  }
  // floating point edge: the last backend with weight
  return [...route.backends].reverse().find((b) => b.weight > 0)?.backend;
}

/**
 * Providers in the order they are tried: groups in priority order, each group rotated randomly;
 * ejected providers (if any) last, in the same order.
 */
export function failoverOrder(
  backend: CompiledBackend,
  random: Random = Math.random,
  ejected?: (p: CompiledProvider) => boolean,
): CompiledProvider[] {
  const out: CompiledProvider[] = [];
  const last: CompiledProvider[] = [];
  for (const group of backend.groups) {
    const start = Math.floor(random() * group.length) % group.length;
    for (let i = 0; i < group.length; i++) {
      const p = group[(start + i) % group.length] as CompiledProvider;
      if (ejected?.(p)) last.push(p);
      else out.push(p);
    }
  }
  return last.length > 0 ? out.concat(last) : out;
}
