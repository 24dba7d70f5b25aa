// The snapshot stream wire protocol (HTTP/1.1, JSON), shared by the operator's server
// (operator/src/edges) and the proxy's client (gateway/src/snapshot).
//
//   GET  /v1/snapshots/<namespace>/<name>    subscribe to one Gateway's snapshots
//        Authorization: Bearer <ServiceAccount token>, X-Proxy-Id: <unique id of this proxy process>
//        200 application/x-ndjson: one StreamMessage per line. The first message is the current
//        snapshot (if the Gateway has one), then one per change, and a ping every PING_INTERVAL_MS.
//        A proxy that sees no line for 3 ping intervals reconnects.
//   POST /v1/acks                            report the outcome of applying one snapshot
//        Authorization: Bearer <ServiceAccount token>, body: Ack (JSON). 204 on success.
//        An accepted ack lists each Gateway listener port and whether the proxy could bind it;
//        a port that failed (in use, permission) is retried with backoff and acked again (same
//        version) once it opens. Older operators ignore `listeners`; older proxies omit it.
//
// The token is a ServiceAccount token bound to SNAPSHOT_TOKEN_AUDIENCE (in cluster a projected,
// short-lived token file, re-read on every reconnect). The operator checks it with a TokenReview
// and serves (and takes acks for) only the Gateway whose provisioned ServiceAccount it is:
// system:serviceaccount:<gateway namespace>:<gateway name>.
//   401 {"error":{...}} without a valid token; 403 for any other Gateway. Secrets travel only here.
import { z } from "zod";
import type { Snapshot } from "./schema.ts";

export const PING_INTERVAL_MS = 10_000;
export const SNAPSHOTS_PATH = "/v1/snapshots";
export const ACKS_PATH = "/v1/acks";
/** POST: a proxy's view of its AgentgatewayPolicy counters and ejected providers (UsageReport),
 * every USAGE_REPORT_MS. */
export const USAGE_PATH = "/v1/usage";
export const USAGE_REPORT_MS = 5_000;
export const PROXY_ID_HEADER = "x-proxy-id";
/** Audience of the ServiceAccount tokens proxies present on the stream. */
export const SNAPSHOT_TOKEN_AUDIENCE = "ai-gateway.dev/snapshots";

export const StreamMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("snapshot"), snapshot: z.unknown() }),
  z.object({ type: z.literal("ping") }),
]);
export type StreamMessage = { type: "snapshot"; snapshot: Snapshot } | { type: "ping" };

/** One Gateway listener port as the proxy serves it. */
export const ListenerAck = z.object({
  /** The Gateway listener port (not the local port it is mapped to). */
  port: z.number().int().min(1).max(65535),
  open: z.boolean(),
  /** Why the port could not be bound (e.g. "local port 8080 is already in use"); never secret. */
  reason: z.string().max(500).optional(),
});
export type ListenerAck = z.infer<typeof ListenerAck>;

export const Ack = z.object({
  /** "<namespace>/<name>" */
  gateway: z.string(),
  proxyId: z.string().min(1),
  version: z.number().int(),
  hash: z.string(),
  accepted: z.boolean(),
  /** Why a snapshot was rejected (validation error summary; never secret values). */
  reason: z.string().max(2000).optional(),
  /** Bind state of the snapshot's listener ports (absent from older proxies). */
  listeners: z.array(ListenerAck).max(64).optional(),
});
export type Ack = z.infer<typeof Ack>;

/** One counter as a proxy sees it: a limit, whose it is (a bounded label, never a key value), its window. */
export const UsageEntry = z.strictObject({
  /** LimitConfig.id: "<policy ns>/<name>/<rateLimit|budget>/<index>". */
  limit: z.string().min(1).max(600),
  /** Client key id, route, namespace, or "header:<hash>" (the header's value never leaves the proxy). */
  key: z.string().min(1).max(300),
  /** Window start, Unix ms. */
  windowStart: z.number().int().min(0),
  used: z.number().min(0),
  counters: z.enum(["Local", "Global"]),
});
export type UsageEntry = z.infer<typeof UsageEntry>;

/** A provider a proxy skips for now (passive outlier ejection): names and a time, never secret. */
export const EjectedEntry = z.strictObject({
  /** "<namespace>/<name>" of the AgentgatewayBackend. */
  backend: z.string().min(1).max(320),
  provider: z.string().min(1).max(63),
  /** Unix ms the ejection ends. */
  until: z.number().int().min(0),
});
export type EjectedEntry = z.infer<typeof EjectedEntry>;

export const UsageReport = z.strictObject({
  /** "<namespace>/<name>" */
  gateway: z.string(),
  proxyId: z.string().min(1),
  entries: z.array(UsageEntry).max(2000),
  /** Policies ("<ns>/<name>") whose Global counters (Redis) this proxy could not reach lately. */
  unavailable: z.array(z.string().max(600)).max(500),
  /** Providers this proxy has ejected now (AgentgatewayBackend policies.health); absent: none. */
  ejected: z.array(EjectedEntry).max(2000).optional(),
});
export type UsageReport = z.infer<typeof UsageReport>;
