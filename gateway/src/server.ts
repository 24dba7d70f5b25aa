// The only file that opens sockets: one HTTP server per Gateway listener port (mapped to a local
// port by --port-map), opened and closed as snapshots add and remove ports, and the admin server.
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
    for (const port of wanted) {
      if (this.#open.has(port)) continue;
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
        this.#open.set(port, { server, localPort });
        this.#opts.log.info({ port, localPort, bind: this.#opts.bind }, "listener open");
      } catch (err) {
        this.#opts.log.error(
          { port, localPort: local, err: err instanceof Error ? err.message : String(err) },
          "listener failed to open; retried on the next snapshot",
        );
      }
    }
    await Promise.all(closing);
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
