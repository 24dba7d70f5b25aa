// Compile a validated Snapshot into what the request path reads: the route table, each route's
// resolved backends (provider adapters attached) and client key digests. Inconsistencies the schema
// cannot express (unknown listener or backend, bad header regex, Azure without deployment) reject
// the whole snapshot with a specific reason: the proxy keeps serving the last good one.

import { type Condition, ConditionError, parseCondition } from "../health/condition.ts";
import type { EvictionPolicy } from "../health/ejection.ts";
import { compileCustomVariants } from "../pipeline/custom-formats.ts";
import { tlsSettingsHash } from "../pipeline/upstream-tls.ts";
import { adapterFor } from "../providers/index.ts";
import type { ProviderAdapter } from "../providers/types.ts";
import { checkHeaderRegexes } from "../routing/matchers.ts";
import { RouteTable } from "../routing/table.ts";
import type { BackendConfig, ClientAuth, ProviderConfig, RouteConfig, Snapshot } from "./schema.ts";

export interface CompiledProvider {
  config: ProviderConfig;
  adapter: ProviderAdapter;
  /** "<backend ref>/<provider name>": metrics and logs. */
  label: string;
  /** "<namespace>/<name>" of its AgentgatewayBackend. */
  backend: string;
  /** policies.health, compiled; absent: never ejected. */
  health?: CompiledHealth;
  /** A custom provider's per-format variants (pipeline/custom-formats.ts). */
  customVariants?: ReadonlyMap<string, CompiledProvider>;
}

export interface CompiledHealth {
  /** undefined: upstream's default (a 5xx or no response is unhealthy). */
  condition: Condition | undefined;
  eviction: EvictionPolicy | undefined;
}

export interface CompiledBackend {
  ref: string;
  groups: CompiledProvider[][];
}

export interface CompiledClientAuth {
  secretRef: string;
  /** SHA-256 digests of the accepted keys. */
  digests: Buffer[];
  /** Key ids (Secret entry names), aligned with digests: whose counters a request uses. */
  ids?: string[];
}

export interface CompiledRoute {
  config: RouteConfig;
  backends: { backend: CompiledBackend; weight: number }[];
  /** Weight of the invalid backendRefs: that share of requests is answered 500. */
  invalidWeight: number;
  /** Effective gateway keys (the route's own, else the Gateway's); undefined: no key required. */
  clientAuth: CompiledClientAuth | undefined;
}

export interface CompiledSnapshot {
  snapshot: Snapshot;
  /** "<namespace>/<name>" */
  gateway: string;
  table: RouteTable;
  /** Aligned with snapshot.routes (RouteEntry.order indexes it). */
  routes: CompiledRoute[];
  gatewayAuth: CompiledClientAuth | undefined;
  /** Models named by backends: the bounded set of model label values. */
  models: Set<string>;
  /** Upstream pool keys in use (upstreamKey). */
  upstreams: Set<string>;
}

export class CompileError extends Error {
  override name = "CompileError";
}

const keys = new WeakMap<ProviderConfig, string>();

/** The pool key of a provider: scheme, host, port and, with policies.tls, a hash of its settings. */
export function upstreamKey(p: ProviderConfig): string {
  let key = keys.get(p);
  if (key === undefined) {
    const base = `${p.tls ? "https" : "http"}:${p.host}:${p.port}`;
    key = p.tls && p.upstreamTls ? `${base}:${tlsSettingsHash(p.upstreamTls)}` : base;
    keys.set(p, key);
  }
  return key;
}

function compileAuth(auth: ClientAuth | undefined): CompiledClientAuth | undefined {
  if (!auth) return undefined;
  return {
    secretRef: auth.secretRef,
    digests: auth.keys.map((k) => Buffer.from(k.sha256, "hex")),
    ids: auth.keys.map((k) => k.id),
  };
}

function compileBackend(b: BackendConfig): CompiledBackend {
  const groups = b.groups.map((group) =>
    group.map((p) => {
      if (p.kind === "azureopenai" && !p.azure && p.path === undefined) {
        throw new CompileError(
          `backend ${b.ref} provider ${p.name}: azureopenai needs a deployment or a path`,
        );
      }
      if (p.kind === "vertexai" && !p.vertex) {
        throw new CompileError(`backend ${b.ref} provider ${p.name}: vertexai needs a project and region`);
      }
      if (p.kind === "bedrock" && (!p.bedrock || p.auth.mode === "gcpServiceAccount")) {
        throw new CompileError(
          `backend ${b.ref} provider ${p.name}: bedrock needs a region and AWS or no credentials`,
        );
      }
      const health = p.health ? compileHealth(p.health, `backend ${b.ref} provider ${p.name}`) : undefined;
      const compiled: CompiledProvider = {
        config: p,
        adapter: adapterFor(p.kind),
        label: `${b.ref}/${p.name}`,
        backend: b.ref,
        ...(health ? { health } : {}),
      };
      const variants = compileCustomVariants(compiled);
      if (variants) compiled.customVariants = variants;
      return compiled;
    }),
  );
  return { ref: b.ref, groups };
}

function compileHealth(h: NonNullable<ProviderConfig["health"]>, where: string): CompiledHealth {
  let condition: Condition | undefined;
  try {
    condition = h.unhealthyCondition === undefined ? undefined : parseCondition(h.unhealthyCondition);
  } catch (err) {
    if (err instanceof ConditionError) throw new CompileError(`${where}: unhealthyCondition: ${err.message}`);
    throw err;
  }
  return { condition, eviction: h.eviction };
}

function checkUnique(values: string[], what: string): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new CompileError(`duplicate ${what} ${v}`);
    seen.add(v);
  }
}

export function compileSnapshot(snapshot: Snapshot): CompiledSnapshot {
  checkUnique(
    snapshot.listeners.map((l) => l.name),
    "listener",
  );
  checkUnique(
    snapshot.backends.map((b) => b.ref),
    "backend",
  );
  const listeners = new Set(snapshot.listeners.map((l) => l.name));
  const backends = new Map(snapshot.backends.map((b) => [b.ref, compileBackend(b)]));
  const gatewayAuth = compileAuth(snapshot.clientAuth);
  const routes = snapshot.routes.map((r): CompiledRoute => {
    for (const l of r.listeners) {
      if (!listeners.has(l)) throw new CompileError(`route ${r.id}: unknown listener ${l}`);
    }
    const regexError = checkHeaderRegexes(r.match.headers);
    if (regexError) throw new CompileError(`route ${r.id}: ${regexError}`);
    return {
      config: r,
      backends: r.backends.map((ref) => {
        const backend = backends.get(ref.backend);
        if (!backend) throw new CompileError(`route ${r.id}: unknown backend ${ref.backend}`);
        return { backend, weight: ref.weight };
      }),
      invalidWeight: r.invalidBackendWeight ?? 0,
      clientAuth: r.clientAuth ? compileAuth(r.clientAuth) : gatewayAuth,
    };
  });
  const models = new Set<string>();
  const upstreams = new Set<string>();
  for (const b of snapshot.backends) {
    for (const p of b.groups.flat()) {
      if (p.model !== undefined) models.add(p.model);
      upstreams.add(upstreamKey(p));
    }
  }
  return {
    snapshot,
    gateway: `${snapshot.gateway.namespace}/${snapshot.gateway.name}`,
    table: new RouteTable(snapshot.listeners, snapshot.routes),
    routes,
    gatewayAuth,
    models,
    upstreams,
  };
}
