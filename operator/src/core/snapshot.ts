// One Gateway's GatewayConfig: its served listeners, the route entries attached to them (one per
// rule × match × group of listeners sharing the same effective hostnames) in precedence order, the
// backends those entries use, and the Gateway's client keys.

import type {
  BackendConfig,
  ClientAuth,
  GatewayConfig,
  RouteConfig,
} from "../../../gateway/src/snapshot/schema.ts";
import { SNAPSHOT_SCHEMA_VERSION } from "../../../gateway/src/snapshot/schema.ts";
import type { BackendOutcome } from "./backends.ts";
import type { GatewayModel } from "./gateways.ts";
import type { NamespacedName } from "./object-ref.ts";
import { type RankedRoute, sortByPrecedence } from "./precedence.ts";
import type { RouteEvaluation } from "./route-evaluation.ts";
import { compareStrings, sortBy } from "./sorting.ts";

/** Listeners grouped by identical effective hostnames: [hostnames, listener names][]. */
function hostnameGroups(listeners: Map<string, string[]>): [string[], string[]][] {
  const groups = new Map<string, [string[], string[]]>();
  for (const [name, hosts] of listeners) {
    const k = JSON.stringify(hosts);
    const g = groups.get(k) ?? [hosts, []];
    g[1].push(name);
    groups.set(k, g);
  }
  return [...groups.values()].map(([hosts, names]) => [hosts, [...names].sort(compareStrings)]);
}

function routeEntries(ev: RouteEvaluation, gatewayKey: string): RankedRoute[] {
  const listeners = ev.attachments.get(gatewayKey);
  if (!listeners) return [];
  const { route } = ev;
  const out: RankedRoute[] = [];
  for (const [hostnames, names] of hostnameGroups(listeners)) {
    for (const rule of route.rules) {
      for (const [matchIndex, match] of rule.matches.entries()) {
        const config: RouteConfig = {
          id: `${route.kind}/${route.ref.namespace}/${route.ref.name}/${rule.index}`,
          kind: route.kind,
          namespace: route.ref.namespace,
          name: route.ref.name,
          rule: rule.index,
          matchIndex,
          listeners: names,
          hostnames,
          match,
          backends: ev.ruleBackends[rule.index] ?? [],
          ...invalidShare(ev.ruleInvalidWeights[rule.index] ?? 0),
          ...(rule.rewrite ? { rewrite: rule.rewrite } : {}),
          timeouts: rule.timeouts,
          retry: rule.retry,
          ...(rule.api ? { api: rule.api } : {}),
          ...(ev.clientAuth ? { clientAuth: ev.clientAuth } : {}),
        };
        out.push({ config, ...(route.creationTimestamp ? { createdAt: route.creationTimestamp } : {}) });
      }
    }
  }
  return out;
}

function usedBackends(
  routes: readonly RouteConfig[],
  outcomes: ReadonlyMap<string, BackendOutcome>,
): BackendConfig[] {
  const keys = new Set(routes.flatMap((r) => r.backends.map((b) => b.backend)));
  const configs = [...keys]
    .map((k) => outcomes.get(k)?.config)
    .filter((c): c is BackendConfig => c !== undefined);
  return sortBy(configs, (c) => [c.ref]);
}

export function buildSnapshot(
  gw: GatewayModel,
  evaluations: readonly RouteEvaluation[],
  outcomes: ReadonlyMap<string, BackendOutcome>,
  clientAuth: ClientAuth | undefined,
): GatewayConfig {
  const routes = sortByPrecedence(evaluations.flatMap((ev) => routeEntries(ev, gw.key)));
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    gateway: { ...gw.ref },
    listeners: gw.listeners.flatMap((l) => (l.config ? [l.config] : [])),
    routes,
    backends: usedBackends(routes, outcomes),
    ...(clientAuth ? { clientAuth } : {}),
  };
}

/** A Gateway of ours that cannot be served: nothing to serve (a proxy drops its old config). */
export function emptySnapshot(ref: NamespacedName): GatewayConfig {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    gateway: { ...ref },
    listeners: [],
    routes: [],
    backends: [],
  };
}

/**
 * Gateway API (HTTPBackendRef): requests that would have been sent to an invalid backendRef get a
 * 500, in proportion to its weight. The snapshot carries that weight so the proxy can do it.
 */
function invalidShare(weight: number): { invalidBackendWeight?: number } {
  return weight > 0 ? { invalidBackendWeight: weight } : {};
}
