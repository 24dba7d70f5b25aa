// A small builder of proxy snapshots for tests: one Gateway, listeners, backends and routes with
// sensible defaults, stamped with an increasing version and a content hash.
import { createHash } from "node:crypto";
import type {
  BackendConfig,
  ClientAuth,
  ListenerConfig,
  ProviderConfig,
  RouteConfig,
  Snapshot,
} from "../../gateway/src/snapshot/schema.ts";

export const GATEWAY = { namespace: "ai", name: "gw" };
export const GATEWAY_KEY = `${GATEWAY.namespace}/${GATEWAY.name}`;

export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

/** A provider pointing at a simulator URL (http://127.0.0.1:port). */
export function provider(
  simUrl: string,
  kind: ProviderConfig["kind"],
  extra: Partial<ProviderConfig> = {},
): ProviderConfig {
  const u = new URL(simUrl);
  return {
    name: "default",
    kind,
    host: u.hostname,
    port: Number(u.port),
    tls: false,
    auth: { mode: "none" },
    ...extra,
  };
}

export function backend(name: string, groups: ProviderConfig[][]): BackendConfig {
  return { ref: `${GATEWAY.namespace}/${name}`, namespace: GATEWAY.namespace, name, groups };
}

export function route(name: string, backends: string[], extra: Partial<RouteConfig> = {}): RouteConfig {
  return {
    id: `AIRoute/${GATEWAY.namespace}/${name}/0`,
    kind: "AIRoute",
    namespace: GATEWAY.namespace,
    name,
    rule: 0,
    matchIndex: 0,
    listeners: ["http"],
    hostnames: [],
    match: {},
    backends: backends.map((b) => ({ backend: `${GATEWAY.namespace}/${b}`, weight: 1 })),
    timeouts: {},
    retry: { attempts: 0, backoffMs: 0, codes: [] },
    ...extra,
  };
}

export function clientAuth(keys: Record<string, string>): ClientAuth {
  return {
    secretRef: `${GATEWAY.namespace}/gateway-keys`,
    keys: Object.entries(keys).map(([id, key]) => ({ id, sha256: sha256Hex(key) })),
  };
}

export const HTTP_LISTENER: ListenerConfig = { name: "http", port: 80, protocol: "HTTP" };

let nextVersion = 1;

export function snapshot(parts: {
  routes: RouteConfig[];
  backends: BackendConfig[];
  listeners?: ListenerConfig[];
  clientAuth?: ClientAuth;
  version?: number;
}): Snapshot {
  const config = {
    schemaVersion: 1 as const,
    gateway: GATEWAY,
    listeners: parts.listeners ?? [HTTP_LISTENER],
    routes: parts.routes,
    backends: parts.backends,
    ...(parts.clientAuth ? { clientAuth: parts.clientAuth } : {}),
  };
  return { ...config, version: parts.version ?? nextVersion++, hash: sha256Hex(JSON.stringify(config)) };
}
