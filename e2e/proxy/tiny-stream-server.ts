// A tiny snapshot stream server implementing gateway/src/snapshot/protocol.ts, for proxy tests (the
// real operator is tested on its own): serves the current snapshot then pushes, pings on an
// interval (can be paused), records subscriptions and acks, refuses a wrong token with 401.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ACKS_PATH, type Ack, PROXY_ID_HEADER, SNAPSHOTS_PATH } from "../../gateway/src/snapshot/protocol.ts";
import { LOOPBACK } from "./harness.ts";
import { GATEWAY } from "./snapshot-builder.ts";

export interface Subscription {
  proxyId: string;
  res: http.ServerResponse;
}

export class TinyStreamServer {
  readonly server: http.Server;
  readonly subscriptions: Subscription[] = [];
  readonly acks: Ack[] = [];
  unauthorized = 0;
  pinging = true;
  current: unknown;
  #pinger: NodeJS.Timeout | undefined;
  readonly #token: string;
  readonly #pingMs: number;

  constructor(token: string, pingMs: number) {
    this.#token = token;
    this.#pingMs = pingMs;
    this.server = http.createServer((req, res) => this.#handle(req, res));
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, LOOPBACK, resolve));
    this.#pinger = setInterval(() => {
      if (!this.pinging) return;
      for (const s of this.open()) s.res.write('{"type":"ping"}\n');
    }, this.#pingMs);
    return `http://${LOOPBACK}:${(this.server.address() as AddressInfo).port}`;
  }

  open(): Subscription[] {
    return this.subscriptions.filter((s) => !s.res.destroyed && !s.res.writableEnded);
  }

  push(snapshot: unknown): void {
    this.current = snapshot;
    for (const s of this.open()) s.res.write(`${JSON.stringify({ type: "snapshot", snapshot })}\n`);
  }

  dropAll(): void {
    for (const s of this.open()) s.res.destroy();
  }

  async close(): Promise<void> {
    clearInterval(this.#pinger);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (req.headers.authorization !== `Bearer ${this.#token}`) {
      this.unauthorized++;
      res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"unauthorized"}}');
      return;
    }
    if (req.method === "POST" && req.url === ACKS_PATH) {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString();
      });
      req.on("end", () => {
        this.acks.push(JSON.parse(body) as Ack);
        res.writeHead(204).end();
      });
      return;
    }
    if (req.method === "GET" && req.url === `${SNAPSHOTS_PATH}/${GATEWAY.namespace}/${GATEWAY.name}`) {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.flushHeaders();
      this.subscriptions.push({ proxyId: String(req.headers[PROXY_ID_HEADER]), res });
      if (this.current !== undefined)
        res.write(`${JSON.stringify({ type: "snapshot", snapshot: this.current })}\n`);
      return;
    }
    res.writeHead(404).end();
  }
}
