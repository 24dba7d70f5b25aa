// The only file that opens sockets: one HTTP server per Gateway listener port (mapped to a local
// port by --port-map), opened and closed as snapshots add and remove ports, and the admin server.
// A port that cannot be bound (in use, permission) is retried with capped backoff without waiting
// for a new snapshot; onListenersChange tells the caller when it opens (the proxy then re-acks).
// A connection over --max-connections is answered 503 and closed as it is accepted: it never
// reaches the request handler. Node's own refusals (malformed request,
// headers too large, request not received in time) get an OpenAI-style JSON body like every other
// gateway error instead of Node's empty one.
import http, { STATUS_CODES } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type ErrorCode, GatewayError } from "./errors.ts";
import type { ProxyLimits } from "./flags.ts";
import type { Logger } from "./log.ts";
import type { ListenerHandler } from "./pipeline/handler.ts";
import { type BackoffOptions, backoffDelay } from "./snapshot/backoff.ts";
import type { ListenerAck } from "./snapshot/protocol.ts";

/** Idle keep-alive connections stay open longer than typical load balancer idle timeouts. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface ListenerSetOptions {
  bind: string;
  /** Gateway port → local port (0: any free port). Unmapped ports listen on the same number. */
  portMap: ReadonlyMap<number, number>;
  handler: ListenerHandler;
  log: Logger;
  /** Connections of a removed port get this long before they are closed. */
  closeGraceMs: number;
  limits?: Pick<ProxyLimits, "maxConnections" | "clientHeaderTimeoutMs" | "clientRequestTimeoutMs">;
  /** A connection was refused by --max-connections. */
  onConnectionLimited?: () => void;
  /** Retry delays for a port that failed to bind (default 250 ms doubling up to 10 s). */
  bindBackoff?: BackoffOptions;
  /** A port that had failed to bind is now open (not called by sync() itself). */
  onListenersChange?: () => void;
}

export const DEFAULT_BIND_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 10_000 };

interface BindFailure {
  reason: string;
  attempt: number;
  timer: NodeJS.Timeout | undefined;
}

/** Why a bind failed, from the error code only (an error message could carry anything). */
export function bindFailureReason(err: unknown, localPort: number, host: string): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (code === "EADDRINUSE") return `local port ${localPort} is already in use`;
  if (code === "EACCES" || code === "EPERM") return `permission denied to bind local port ${localPort}`;
  if (code === "EADDRNOTAVAIL") return `address ${host} is not available to bind local port ${localPort}`;
  return `cannot bind local port ${localPort}${typeof code === "string" && /^E[A-Z]+$/.test(code) ? ` (${code})` : ""}`;
}

interface Open {
  server: http.Server;
  localPort: number;
}

/** A raw HTTP/1.1 answer with a gateway error body, for sockets no ServerResponse owns. */
export function rawErrorResponse(code: ErrorCode): string {
  const err = new GatewayError(code);
  const body = JSON.stringify(err.body());
  return (
    `HTTP/1.1 ${err.status} ${STATUS_CODES[err.status] ?? ""}\r\n` +
    `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
    `connection: close\r\n\r\n${body}`
  );
}

/** Node's parser or timers refused a request: answer in the gateway's error format, then close. */
function onClientError(err: Error & { code?: string }, socket: Duplex): void {
  const owner = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === "ECONNRESET" || !socket.writable || owner?.headersSent) {
    socket.destroy();
    return;
  }
  const code: ErrorCode =
    err.code === "HPE_HEADER_OVERFLOW"
      ? "headers_too_large"
      : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? "request_timeout"
        : "bad_request";
  socket.end(rawErrorResponse(code));
}

function createServer(onRequest: http.RequestListener, limits?: ListenerSetOptions["limits"]): http.Server {
  // Receiving the request is timed (headers, then the whole request); nothing times out a
  // response: a quiet SSE stream is only ever cut by the upstream idle or route timeouts.
  const requestTimeout = limits?.clientRequestTimeoutMs ?? 300_000;
  const headersTimeout = Math.min(limits?.clientHeaderTimeoutMs ?? 60_000, requestTimeout);
  const server = http.createServer(
    {
      noDelay: true,
      keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
      headersTimeout,
      requestTimeout,
      // how often those timeouts are checked
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 4))),
    },
    onRequest,
  );
  server.on("clientError", onClientError);
  return server;
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once("error", onError);
    server.listen({ port, host }, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    const t = setTimeout(() => server.closeAllConnections(), graceMs);
    t.unref();
    server.once("close", () => clearTimeout(t));
  });
}

export class ListenerSet {
  readonly #opts: ListenerSetOptions;
  readonly #open = new Map<number, Open>();
  #queue: Promise<void> = Promise.resolve();
  /** Open client connections over all listeners. */
  #connections = 0;
  /** Connections refused by --max-connections (answered already; their requests are dropped). */
  readonly #refused = new WeakSet<Socket>();
  #wanted: ReadonlySet<number> = new Set();
  #pending = 0;
  #draining = false;
  #closed = false;
  readonly #failed = new Map<number, BindFailure>();

  constructor(opts: ListenerSetOptions) {
    this.#opts = opts;
  }

  /** Local port serving a Gateway listener port, once it is open. */
  localPort(gatewayPort: number): number | undefined {
    return this.#open.get(gatewayPort)?.localPort;
  }

  /** Open the ports not open yet, close those no longer wanted. Calls are serialized. */
  sync(gatewayPorts: readonly number[]): Promise<void> {
    const wanted = new Set(gatewayPorts);
    this.#wanted = wanted;
    this.#pending++;
    this.#queue = this.#queue
      .then(() => this.#sync(wanted))
      .finally(() => {
        this.#pending--;
      });
    return this.#queue;
  }

  /** True when every port of the latest sync is open (a readiness condition). */
  allOpen(): boolean {
    if (this.#pending > 0) return false;
    for (const port of this.#wanted) if (!this.#open.has(port)) return false;
    return true;
  }

  /** Bind state of every port of the latest sync, by Gateway port. Settle sync() first. */
  states(): ListenerAck[] {
    return [...this.#wanted]
      .sort((a, b) => a - b)
      .map((port) => {
        if (this.#open.has(port)) return { port, open: true };
        const failure = this.#failed.get(port);
        return failure ? { port, open: false, reason: failure.reason } : { port, open: false };
      });
  }

  /**
   * Shutdown, first phase: keep serving, but answer every request with `connection: close` so
   * keep-alive clients move to another replica instead of reusing a socket about to be closed.
   */
  drain(): void {
    this.#draining = true;
  }

  async #sync(wanted: ReadonlySet<number>): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [port, open] of this.#open) {
      if (wanted.has(port)) continue;
      this.#open.delete(port);
      this.#opts.log.info({ port, localPort: open.localPort }, "listener closed");
      closing.push(closeServer(open.server, this.#opts.closeGraceMs));
    }
    for (const port of [...this.#failed.keys()]) if (!wanted.has(port)) this.#forget(port);
    for (const port of wanted) {
      // a failing port keeps its own retry schedule; a new snapshot does not reset it
      if (this.#open.has(port) || this.#failed.has(port)) continue;
      await this.#bind(port);
    }
    await Promise.all(closing);
  }

  /** One bind attempt; on failure the port is retried with backoff while it is wanted. */
  async #bind(port: number): Promise<boolean> {
    const server = createServer((req, res) => {
      if (this.#refused.has(req.socket)) {
        res.destroy();
        return;
      }
      if (this.#draining) res.setHeader("connection", "close");
      this.#opts.handler(req, res, port);
    }, this.#opts.limits);
    // before Node's own connection listener: a refused socket is answered before any parsing
    server.prependListener("connection", (socket: Socket) => this.#accept(socket));
    const local = this.#opts.portMap.get(port) ?? port;
    try {
      const localPort = await listen(server, local, this.#opts.bind);
      this.#forget(port);
      this.#open.set(port, { server, localPort });
      this.#opts.log.info({ port, localPort, bind: this.#opts.bind }, "listener open");
      return true;
    } catch (err) {
      const previous = this.#failed.get(port);
      const failure: BindFailure = {
        reason: bindFailureReason(err, local, this.#opts.bind),
        attempt: (previous?.attempt ?? -1) + 1,
        timer: undefined,
      };
      const delayMs = backoffDelay(failure.attempt, this.#opts.bindBackoff ?? DEFAULT_BIND_BACKOFF);
      if (!previous || previous.reason !== failure.reason) {
        this.#opts.log.error(
          { port, localPort: local, reason: failure.reason, retryInMs: delayMs },
          "listener failed to open; retrying with backoff",
        );
      }
      failure.timer = setTimeout(() => this.#retry(port), delayMs);
      failure.timer.unref();
      this.#failed.set(port, failure);
      return false;
    }
  }

  #retry(port: number): void {
    this.#queue = this.#queue.then(async () => {
      if (this.#closed || !this.#wanted.has(port) || this.#open.has(port)) return;
      if (await this.#bind(port)) this.#opts.onListenersChange?.();
    });
  }

  #forget(port: number): void {
    const failure = this.#failed.get(port);
    if (failure?.timer) clearTimeout(failure.timer);
    this.#failed.delete(port);
  }

  #accept(socket: Socket): void {
    const max = this.#opts.limits?.maxConnections ?? 0;
    if (max > 0 && this.#connections >= max) {
      this.#refused.add(socket);
      this.#opts.onConnectionLimited?.();
      socket.end(rawErrorResponse("overloaded"));
      setTimeout(() => socket.destroy(), 1000).unref();
      return;
    }
    this.#connections++;
    socket.once("close", () => this.#connections--);
  }

  /** Stop accepting; in-flight requests get `graceMs` to finish before connections are closed. */
  async close(graceMs = 0): Promise<void> {
    this.#closed = true;
    for (const port of [...this.#failed.keys()]) this.#forget(port);
    await this.#queue;
    const all = [...this.#open.values()];
    this.#open.clear();
    await Promise.all(all.map((o) => closeServer(o.server, graceMs)));
  }
}

export interface AdminServer {
  port: number;
  close(): Promise<void>;
}

export async function startAdminServer(
  port: number,
  bind: string,
  handler: http.RequestListener,
): Promise<AdminServer> {
  const server = createServer(handler);
  const actual = await listen(server, port, bind);
  return {
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
