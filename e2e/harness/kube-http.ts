// Minimal HTTPS client for the harness's own calls to the API server (readiness, CRD install):
// the admin token and the API server's CA, no proxy, no keep-alive, bounded by a timeout.
import { request } from "node:https";

export type KubeConnection = {
  server: string;
  token: string;
  caPem: string;
  /** TLS name to verify instead of the URL's host (a relay on loopback in front of the server). */
  servername?: string;
};
export type KubeResponse = { status: number; body: string };
export type KubeRequest = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  body?: string;
  contentType?: string;
  timeoutMs?: number;
};

export function kubeRequest(conn: KubeConnection, req: KubeRequest): Promise<KubeResponse> {
  const url = new URL(req.path, conn.server);
  const headers: Record<string, string> = {
    authorization: `Bearer ${conn.token}`,
    accept: "application/json",
  };
  if (req.body !== undefined) {
    headers["content-type"] = req.contentType ?? "application/json";
    headers["content-length"] = String(Buffer.byteLength(req.body));
  }
  return new Promise((resolveResponse, reject) => {
    const r = request(
      url,
      {
        method: req.method,
        headers,
        ca: conn.caPem,
        ...(conn.servername ? { servername: conn.servername } : {}),
        agent: false,
        signal: AbortSignal.timeout(req.timeoutMs ?? 10_000),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolveResponse({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(req.body);
  });
}
