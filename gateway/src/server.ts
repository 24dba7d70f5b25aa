// The only file that opens sockets: one HTTP server per Gateway listener port (mapped to a local
// port by --port-map), opened and closed as snapshots add and remove ports, and the admin server.
import http from "node:http";
import type { AddressInfo } from "node:net";
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
}

interface Open {
  server: http.Server;
  localPort: number;
}

function createServer(onRequest: http.RequestListener): http.Server {
  // Node's requestTimeout (receiving the request) stays; nothing times out a response: a quiet
  // SSE stream is only ever cut by the route's own timeouts.
  return http.createServer({ noDelay: true, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, onRequest);
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
        if (this.#draining) res.setHeader("connection", "close");
        this.#opts.handler(req, res, port);
      });
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
