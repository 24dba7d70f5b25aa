// A minimal snapshot stream server (gateway/src/snapshot/protocol.ts) that feeds the proxy under
// test from the bench: bearer token, one NDJSON stream per subscriber, the current snapshot first,
// pings, and acks recorded so the bench knows when a snapshot is live.
import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ACKS_PATH, Ack, PING_INTERVAL_MS, SNAPSHOTS_PATH } from "../../gateway/src/snapshot/protocol.ts";
import type { Snapshot } from "../../gateway/src/snapshot/schema.ts";
import { HOST } from "../lib/net.ts";

type Waiter = { version: number; resolve: (a: Ack) => void; reject: (e: Error) => void };

export class StreamServer {
  readonly #token: string;
  readonly #server = createServer((req, res) => this.#handle(req, res));
  readonly #streams = new Set<ServerResponse>();
  readonly #waiters = new Set<Waiter>();
  readonly acks: Ack[] = [];
  #current: Snapshot | undefined;
  #pinger: NodeJS.Timeout | undefined;
  port = 0;

  constructor(token: string) {
    this.#token = token;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, HOST, resolve));
    this.port = (this.#server.address() as AddressInfo).port;
    this.#pinger = setInterval(() => this.#broadcast('{"type":"ping"}\n'), PING_INTERVAL_MS);
    return `http://${HOST}:${this.port}`;
  }

  /** Sends `s` to every subscriber (and to later ones). Returns the wire size in bytes. */
  push(s: Snapshot): number {
    this.#current = s;
    const line = `${JSON.stringify({ type: "snapshot", snapshot: s })}\n`;
    this.#broadcast(line);
    return Buffer.byteLength(line);
  }

  /** Resolves with the ack of `version` (accepted), rejects on a rejection or after `timeoutMs`. */
  waitForAck(version: number, timeoutMs: number): Promise<Ack> {
    const seen = this.acks.find((a) => a.version === version);
    if (seen) return seen.accepted ? Promise.resolve(seen) : Promise.reject(rejected(seen));
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        version,
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(w);
        reject(new Error(`no ack for snapshot version ${version} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(w);
    });
  }

  async close(): Promise<void> {
    clearInterval(this.#pinger);
    for (const s of this.#streams) s.destroy();
    this.#streams.clear();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #broadcast(line: string): void {
    for (const s of this.#streams) s.write(line);
  }

  #authorized(req: IncomingMessage): boolean {
    const got = Buffer.from(req.headers.authorization ?? "");
    const want = Buffer.from(`Bearer ${this.#token}`);
    return got.length === want.length && timingSafeEqual(got, want);
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    if (!this.#authorized(req)) {
      res.writeHead(401, { "content-type": "application/json" });
      res.end('{"error":{"code":"unauthorized","message":"missing or invalid bearer token"}}');
      return;
    }
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method === "GET" && path.startsWith(`${SNAPSHOTS_PATH}/`)) {
      res.writeHead(200, { "content-type": "application/x-ndjson", "cache-control": "no-store" });
      if (this.#current) res.write(`${JSON.stringify({ type: "snapshot", snapshot: this.#current })}\n`);
      this.#streams.add(res);
      res.on("close", () => this.#streams.delete(res));
      return;
    }
    if (req.method === "POST" && path === ACKS_PATH) {
      let body = "";
      req.on("data", (b: Buffer) => {
        body += b.toString("utf8");
      });
      req.on("end", () => {
        const parsed = Ack.safeParse(safeJson(body));
        if (!parsed.success) {
          res.writeHead(400).end();
          return;
        }
        this.#onAck(parsed.data);
        res.writeHead(204).end();
      });
      return;
    }
    res.writeHead(404).end();
  }

  #onAck(a: Ack): void {
    this.acks.push(a);
    for (const w of this.#waiters) {
      if (w.version !== a.version) continue;
      this.#waiters.delete(w);
      if (a.accepted) w.resolve(a);
      else w.reject(rejected(a));
    }
  }
}

function rejected(a: Ack): Error {
  return new Error(`proxy rejected snapshot version ${a.version}: ${a.reason ?? "no reason"}`);
}

function safeJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}
