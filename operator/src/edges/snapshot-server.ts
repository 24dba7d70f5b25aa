// The snapshot stream server (gateway/src/snapshot/protocol.ts): proxies subscribe per Gateway
// and get the current snapshot at once, every new version, and pings; they POST an ack (or a
// rejection with a reason) for each version. Acks feed the data-plane state the translator turns
// into `Programmed`. Every request carries a ServiceAccount token (proxy-auth.ts): a proxy gets,
// and may ack, only the Gateway whose provisioned ServiceAccount it is; anything else is 403.
// Snapshots hold credentials: they are written only to authorized streams and never logged.
//
// Only the leader serves: setServing(false) answers 503 and closes open streams, so proxies
// reconnect through the Service to the replica that is ready.
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../../gateway/src/log.ts";
import {
  ACKS_PATH,
  Ack,
  PING_INTERVAL_MS,
  PROXY_ID_HEADER,
  SNAPSHOTS_PATH,
  type StreamMessage,
  USAGE_PATH,
  UsageReport,
} from "../../../gateway/src/snapshot/protocol.ts";
import type { GatewayConfig } from "../../../gateway/src/snapshot/schema.ts";
import type { OperatorMetrics } from "../metrics.ts";
import { describeError, HTTP_ERRORS, type HttpErrorCode, httpErrorBody } from "./errors.ts";
import { type Authenticate, mayServe, type ProxyIdentity } from "./proxy-auth.ts";
import { SnapshotStore } from "./snapshot-store.ts";

const MAX_ACK_BYTES = 64 * 1024;
const MAX_USAGE_BYTES = 1024 * 1024;
const MAX_REASON_LOG_CHARS = 500;

export interface SnapshotServerOptions {
  /** Who a bearer token belongs to (TokenReview in production). */
  authenticate: Authenticate;
  log: Logger;
  metrics: OperatorMetrics;
  /** Called when connections or acks change the data-plane state. */
  onDataPlaneChange: () => void;
  /** Called when a proxy reported its policy counters (the caller throttles status writes). */
  onUsage?: () => void;
  pingIntervalMs?: number;
  /** Epoch (seconds) of a leadership term; versions of the term exceed it × 1e6. Default: now. */
  epoch?: () => number;
  /**
   * Serve TLS with this certificate and key (serving-tls.ts issues them from the operator CA and
   * renews them through setTls). Snapshots carry provider keys: only tests serve plain HTTP.
   */
  tls?: { cert: string; key: string };
}

interface Stream {
  gateway: string;
  proxyId: string;
  res: http.ServerResponse;
}

export class SnapshotServer {
  readonly store = new SnapshotStore();
  readonly #opts: SnapshotServerOptions;
  readonly #server: http.Server | https.Server;
  readonly #streams = new Set<Stream>();
  #serving = false;
  #pinger: NodeJS.Timeout | undefined;

  constructor(opts: SnapshotServerOptions) {
    this.#opts = opts;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => this.#handle(req, res);
    this.#server = opts.tls
      ? https.createServer({ cert: opts.tls.cert, key: opts.tls.key, minVersion: "TLSv1.2" }, handler)
      : http.createServer(handler);
  }

  /** Swap the serving certificate; new connections use it, open streams are kept. */
  setTls(tls: { cert: string; key: string }): void {
    if (!(this.#server instanceof https.Server)) throw new Error("snapshot server was started without TLS");
    this.#server.setSecureContext({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.2" });
  }

  async listen(port: number, host?: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    this.#pinger = setInterval(() => this.#ping(), this.#opts.pingIntervalMs ?? PING_INTERVAL_MS);
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    clearInterval(this.#pinger);
    this.setServing(false);
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  get serving(): boolean {
    return this.#serving;
  }

  /** Leader: serve streams. Not leader: 503, and every open stream is closed. */
  setServing(serving: boolean): void {
    const started = serving && !this.#serving;
    this.#serving = serving;
    if (started) this.store.startEpoch((this.#opts.epoch ?? (() => Date.now() / 1000))());
    if (serving) return;
    for (const stream of [...this.#streams]) stream.res.end();
  }

  /** Publish the translator's configs; pushes every changed snapshot to its subscribers. */
  publish(configs: Record<string, GatewayConfig>): void {
    for (const snapshot of this.store.publish(configs)) {
      const key = `${snapshot.gateway.namespace}/${snapshot.gateway.name}`;
      this.#opts.log.info({ gateway: key, version: snapshot.version }, "new snapshot");
      for (const stream of this.#streams) {
        if (stream.gateway === key) this.#send(stream, { type: "snapshot", snapshot });
      }
    }
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    void this.#route(req, res).catch((err) => {
      this.#opts.log.warn({ err: describeError(err) }, "snapshot server request failed");
      if (!res.headersSent) reply(res, "bad_request");
      else res.end();
    });
  }

  async #route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const refused = this.#refusal(req);
    if (refused) return reply(res, refused.code, refused.detail);
    let identity: ProxyIdentity | undefined;
    try {
      identity = await this.#identity(req);
    } catch (err) {
      this.#opts.log.warn({ err: describeError(err) }, "token review failed");
      return reply(res, "auth_unavailable");
    }
    if (!identity) return reply(res, "unauthorized");
    const path = new URL(req.url ?? "/", "http://stream.local").pathname;
    if (path === ACKS_PATH) return this.#ack(req, res, identity);
    if (path === USAGE_PATH) return this.#usage(req, res, identity);
    const proxyId = req.headers[PROXY_ID_HEADER];
    if (typeof proxyId !== "string" || proxyId === "") {
      return reply(res, "bad_request", `missing ${PROXY_ID_HEADER} header`);
    }
    const [ns, name] = gatewayOf(path) ?? [];
    const gateway = `${ns}/${name}`;
    if (!mayServe(identity, gateway)) {
      this.#opts.log.warn(
        { gateway, identity: identity.username },
        "subscription refused: not this Gateway's proxy",
      );
      return reply(res, "forbidden", `${identity.username} may not read Gateway ${gateway}`);
    }
    this.#subscribe(gateway, proxyId, req, res);
  }

  /** Why a request is refused before the token is reviewed: no bearer, path, method, leadership. */
  #refusal(req: http.IncomingMessage): { code: HttpErrorCode; detail?: string } | undefined {
    if (bearer(req) === undefined) return { code: "unauthorized" };
    const path = new URL(req.url ?? "/", "http://stream.local").pathname;
    const isAck = path === ACKS_PATH || path === USAGE_PATH;
    if (!isAck && !gatewayOf(path)) return { code: "not_found" };
    if (req.method !== (isAck ? "POST" : "GET")) return { code: "method_not_allowed" };
    if (!this.#serving) return { code: "not_leader" };
    return undefined;
  }

  async #identity(req: http.IncomingMessage): Promise<ProxyIdentity | undefined> {
    const token = bearer(req);
    return token === undefined ? undefined : this.#opts.authenticate(token);
  }

  #subscribe(gateway: string, proxyId: string, req: http.IncomingMessage, res: http.ServerResponse): void {
    const stream: Stream = { gateway, proxyId, res };
    this.#streams.add(stream);
    this.store.connect(gateway, proxyId);
    this.#updateConnected(gateway);
    this.#opts.log.info({ gateway, proxyId }, "proxy subscribed");
    res.writeHead(200, {
      "content-type": "application/x-ndjson",
      "cache-control": "no-store",
      "x-accel-buffering": "no",
    });
    res.flushHeaders();
    req.socket.setKeepAlive(true);
    req.socket.setNoDelay(true);
    const current = this.store.current(gateway);
    if (current) this.#send(stream, { type: "snapshot", snapshot: current });
    res.on("close", () => {
      this.#streams.delete(stream);
      this.store.disconnect(gateway, proxyId);
      this.#updateConnected(gateway);
      this.#opts.log.info({ gateway, proxyId }, "proxy disconnected");
      this.#opts.onDataPlaneChange();
    });
    this.#opts.onDataPlaneChange();
  }

  async #ack(req: http.IncomingMessage, res: http.ServerResponse, identity: ProxyIdentity): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, MAX_ACK_BYTES));
    } catch (err) {
      if (err instanceof BodyTooLarge) return reply(res, "request_too_large");
      return reply(res, "bad_request", "body is not JSON");
    }
    const parsed = Ack.safeParse(body);
    if (!parsed.success) return reply(res, "bad_request", "body is not an Ack");
    const ack = parsed.data;
    if (!mayServe(identity, ack.gateway)) {
      this.#opts.log.warn(
        { gateway: ack.gateway, proxyId: ack.proxyId, identity: identity.username },
        "ack refused: not this Gateway's proxy",
      );
      return reply(res, "forbidden", `${identity.username} may not ack Gateway ${ack.gateway}`);
    }
    const outcome = this.store.recordAck(ack);
    const log = { gateway: ack.gateway, proxyId: ack.proxyId, version: ack.version };
    if (outcome !== "recorded") {
      this.#opts.log.warn({ ...log, outcome }, "ack ignored");
      return reply(
        res,
        "not_found",
        outcome === "not_connected" ? "proxy not subscribed" : "unknown version",
      );
    }
    const result = ack.accepted ? "accepted" : "rejected";
    this.#opts.metrics.acks.inc({ gateway: ack.gateway, result });
    if (ack.accepted) this.#opts.log.info(log, "snapshot accepted");
    else {
      const reason = (ack.reason ?? "").slice(0, MAX_REASON_LOG_CHARS);
      this.#opts.log.warn({ ...log, reason }, "snapshot rejected by proxy");
    }
    res.writeHead(204).end();
    this.#opts.onDataPlaneChange();
  }

  async #usage(req: http.IncomingMessage, res: http.ServerResponse, identity: ProxyIdentity): Promise<void> {
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req, MAX_USAGE_BYTES));
    } catch (err) {
      if (err instanceof BodyTooLarge) return reply(res, "request_too_large");
      return reply(res, "bad_request", "body is not JSON");
    }
    const parsed = UsageReport.safeParse(body);
    if (!parsed.success) return reply(res, "bad_request", "body is not a usage report");
    const report = parsed.data;
    if (!mayServe(identity, report.gateway)) {
      this.#opts.log.warn(
        { gateway: report.gateway, proxyId: report.proxyId, identity: identity.username },
        "usage report refused: not this Gateway's proxy",
      );
      return reply(res, "forbidden", `${identity.username} may not report for Gateway ${report.gateway}`);
    }
    if (!this.store.recordUsage(report)) return reply(res, "not_found", "proxy not subscribed");
    res.writeHead(204).end();
    this.#opts.onUsage?.();
  }

  #send(stream: Stream, message: StreamMessage): void {
    if (stream.res.writableEnded || stream.res.destroyed) return;
    stream.res.write(`${JSON.stringify(message)}\n`);
    if (message.type === "snapshot") this.#opts.metrics.snapshotPushes.inc({ gateway: stream.gateway });
  }

  #ping(): void {
    for (const stream of this.#streams) this.#send(stream, { type: "ping" });
  }

  #updateConnected(gateway: string): void {
    this.#opts.metrics.connectedProxies.set({ gateway }, this.store.connectedProxies(gateway));
  }
}

/** [namespace, name] of a subscription path, or undefined. */
function gatewayOf(path: string): [string, string] | undefined {
  const prefix = `${SNAPSHOTS_PATH}/`;
  if (!path.startsWith(prefix)) return undefined;
  const parts = path.slice(prefix.length).split("/");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  try {
    return [decodeURIComponent(parts[0]), decodeURIComponent(parts[1])];
  } catch {
    return undefined;
  }
}

function reply(res: http.ServerResponse, code: HttpErrorCode, detail?: string): void {
  const body = httpErrorBody(code, detail);
  res.writeHead(HTTP_ERRORS[code].status, { "content-type": "application/json" }).end(body);
}

function bearer(req: http.IncomingMessage): string | undefined {
  const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
  return match?.[1] || undefined;
}

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => {
      if (size > limit) reject(new BodyTooLarge());
      else resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => reject(new Error(describeError(err))));
  });
}
