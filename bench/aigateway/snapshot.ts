// Snapshots for the data-plane bench, built directly against the contract
// (gateway/src/snapshot/schema.ts): one Gateway, one HTTP listener on port 80, one backend
// pointing at the upstream over plain HTTP with an injected key, and N routes that differ by
// path prefix, by hostname or by a header value. The bench request always hits the LAST route.

import {
  type BackendConfig,
  type GatewayConfig,
  type RouteConfig,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
} from "../../gateway/src/snapshot/schema.ts";
import { canonicalHash } from "../../operator/src/edges/canonical-hash.ts";
import { CHAT_PATH, PROVIDER_KEY } from "../lib/fixtures.ts";

export const GATEWAY = { namespace: "bench", name: "bench" } as const;
export const LISTENER_PORT = 80;
const BACKEND_REF = "bench/upstream";

/** "single": one catch-all route on /v1 (the contender comparison); the others are for scaling. */
export type RouteVariant = "single" | "paths" | "hosts" | "headers";

export type Target = { path: string; headers: Record<string, string> };

function backend(up: { host: string; port: number }): BackendConfig {
  return {
    ref: BACKEND_REF,
    namespace: "bench",
    name: "upstream",
    groups: [
      [
        {
          name: "default",
          kind: "openai",
          host: up.host,
          port: up.port,
          tls: false,
          // Every route's request reaches the upstream at the chat path, whatever its prefix.
          path: CHAT_PATH,
          auth: {
            mode: "inject",
            header: "authorization",
            prefix: "Bearer ",
            credential: PROVIDER_KEY,
            source: "inline",
          },
        },
      ],
    ],
  };
}

function route(i: number, variant: RouteVariant): RouteConfig {
  const name = `r${i}`;
  const base = {
    id: `AIRoute/bench/${name}/0`,
    kind: "AIRoute" as const,
    namespace: "bench",
    name,
    rule: 0,
    matchIndex: 0,
    listeners: ["http"],
    backends: [{ backend: BACKEND_REF, weight: 1 }],
    timeouts: {},
    retry: { attempts: 0, backoffMs: 0, codes: [] },
  };
  switch (variant) {
    case "single":
      return { ...base, hostnames: [], match: { path: { type: "PathPrefix", value: "/v1" } } };
    case "paths":
      return { ...base, hostnames: [], match: { path: { type: "PathPrefix", value: `/${name}` } } };
    case "hosts":
      return {
        ...base,
        hostnames: [`${name}.bench.test`],
        match: { path: { type: "PathPrefix", value: "/" } },
      };
    case "headers":
      return {
        ...base,
        hostnames: [],
        match: {
          path: { type: "PathPrefix", value: "/v1" },
          headers: [{ name: "x-tenant", type: "Exact", value: `t${i}` }],
        },
      };
  }
}

/** Where a request must go to hit route `i` of `variant`. */
export function target(i: number, variant: RouteVariant): Target {
  switch (variant) {
    case "single":
      return { path: CHAT_PATH, headers: {} };
    case "paths":
      return { path: `/r${i}${CHAT_PATH}`, headers: {} };
    case "hosts":
      return { path: CHAT_PATH, headers: { host: `r${i}.bench.test` } };
    case "headers":
      return { path: CHAT_PATH, headers: { "x-tenant": `t${i}` } };
  }
}

export function gatewayConfig(
  routes: number,
  variant: RouteVariant,
  up: { host: string; port: number },
): GatewayConfig {
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    gateway: { ...GATEWAY },
    listeners: [{ name: "http", port: LISTENER_PORT, protocol: "HTTP" }],
    routes: Array.from({ length: routes }, (_, i) => route(i, variant)),
    backends: [backend(up)],
  };
}

export function stamp(config: GatewayConfig, version: number): Snapshot {
  return { ...config, version, hash: canonicalHash(config) };
}
