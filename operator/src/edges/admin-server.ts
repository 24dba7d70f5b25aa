// The operator's admin port: /healthz (process alive), /readyz (caches synced AND leader, so a
// Service in front of the replicas sends proxies to the leader), /metrics (Prometheus text).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

export interface Readiness {
  ready: boolean;
  /** Why not ready, for humans (never secret). */
  reasons: string[];
}

export interface AdminServerOptions {
  registry: Registry;
  readiness: () => Readiness;
}

export class AdminServer {
  readonly #server: http.Server;
  readonly #opts: AdminServerOptions;

  constructor(opts: AdminServerOptions) {
    this.#opts = opts;
    this.#server = http.createServer((req, res) => void this.#handle(req, res));
  }

  async listen(port: number, host?: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        resolve();
      });
    });
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", "http://admin.local").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { "content-type": "text/plain" }).end("method not allowed\n");
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    if (path === "/readyz") {
      const r = this.#opts.readiness();
      const body = r.ready ? "ok\n" : `not ready: ${r.reasons.join("; ")}\n`;
      res.writeHead(r.ready ? 200 : 503, { "content-type": "text/plain" }).end(body);
      return;
    }
    if (path === "/metrics") {
      const text = await this.#opts.registry.metrics();
      res.writeHead(200, { "content-type": this.#opts.registry.contentType }).end(text);
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  }
}
