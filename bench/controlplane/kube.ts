// A small keep-alive HTTPS client for the bench's own API calls (creates, deletes, lists), so the
// measured latency starts when the API server has accepted a change, not when a kubectl process
// has started.
import { Agent, request } from "node:https";

export type KubeConn = { server: string; token: string; caPem: string };
export type KubeReply = { status: number; body: string };

export class Kube {
  readonly #conn: KubeConn;
  readonly #agent: Agent;

  constructor(conn: KubeConn) {
    this.#conn = conn;
    this.#agent = new Agent({ keepAlive: true, maxSockets: 16, ca: conn.caPem });
  }

  call(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<KubeReply> {
    const url = new URL(path, this.#conn.server);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#conn.token}`,
      accept: "application/json",
    };
    if (payload !== undefined) {
      headers["content-type"] = contentType;
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        { method, headers, agent: this.#agent, signal: AbortSignal.timeout(60_000) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Like call() but throws unless the status is one of `ok`. */
  async must(method: string, path: string, body?: unknown, ok = [200, 201], contentType?: string) {
    const r = await this.call(method, path, body, contentType);
    if (!ok.includes(r.status)) throw new Error(`${method} ${path}: ${r.status} ${r.body.slice(0, 300)}`);
    return r;
  }

  close(): void {
    this.#agent.destroy();
  }
}

export const AGW = "/apis/agentgateway.dev/v1alpha1";

export function airoutesPath(ns: string, name?: string): string {
  return `${AGW}/namespaces/${ns}/airoutes${name ? `/${name}` : ""}`;
}
export function backendsPath(ns: string, name?: string): string {
  return `${AGW}/namespaces/${ns}/agentgatewaybackends${name ? `/${name}` : ""}`;
}
export function secretPath(ns: string, name: string): string {
  return `/api/v1/namespaces/${ns}/secrets/${name}`;
}
