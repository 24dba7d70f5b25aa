// One upstream attempt on undici (Pool.request on the provider origin's pool): the gateway prepares
// everything beforehand — path, headers (credential injected), body Buffer — and this file only
// sends it and reports the upstream response or the failure. http-proxy-3 is gone from this path:
// the gateway never pipes the client request through (the body is read, checked and maybe
// rewritten first) and writes the client response itself (relay.ts), so a proxy library had
// nothing left to do but cost a ClientRequest, a Readable and its event plumbing per request.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { Dispatcher } from "undici";
import type { UpstreamTls } from "../snapshot/schema.ts";
import type { AgentPool } from "./agents.ts";

export interface UpstreamTarget {
  key: string;
  host: string;
  port: number;
  tls: boolean;
  /** policies.tls of the provider (CA, client certificate, SNI, ...). */
  upstreamTls?: UpstreamTls;
}

export interface AttemptSpec {
  target: UpstreamTarget;
  /** Host header value (host[:port]), also the origin's authority. */
  authority: string;
  method: string;
  /** Path and query string. */
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /** Waiting for the response headers / between two body chunks; 0 = no limit. */
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** A provider's answer: status, headers and the body stream. */
export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Readable;
}

export type AttemptResult =
  | { kind: "response"; upstream: UpstreamResponse; abort: (reason: Error) => void }
  | { kind: "error"; error: Error & { code?: string } };

const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

/** An undici error that is one of its timeouts (connect, headers, body idle). */
export function isTimeoutError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && TIMEOUT_CODES.has(code);
}

function undiciHeaders(h: OutgoingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    out[k] = typeof v === "number" ? String(v) : v;
  }
  return out;
}

function noop(): void {}

export class Forwarder {
  readonly #pools: AgentPool;

  constructor(pools: AgentPool) {
    this.#pools = pools;
  }

  /** Send one attempt. `signal` aborts it (timeouts, client gone, kill switch), body included. */
  async attempt(spec: AttemptSpec, signal: AbortSignal): Promise<AttemptResult> {
    const origin = `${spec.target.tls ? "https" : "http"}://${spec.authority}`;
    const pool = this.#pools.get(spec.target.key, origin, spec.target.upstreamTls);
    const sni = spec.target.tls ? spec.target.upstreamTls?.sni : undefined;
    let res: Dispatcher.ResponseData;
    try {
      res = await pool.request({
        method: spec.method as Dispatcher.HttpMethod,
        path: spec.path,
        headers: undiciHeaders(spec.headers),
        body: spec.body.length > 0 ? spec.body : null,
        signal,
        headersTimeout: spec.headersTimeoutMs,
        bodyTimeout: spec.bodyTimeoutMs,
        // undici takes the SNI from the Host header; policies.tls sni replaces it
        ...(sni !== undefined ? { servername: sni } : {}),
      });
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return { kind: "error", error: e };
    }
    const body = res.body;
    // undici's body turns a plain destroy() into an "aborted" error: whoever reads the body listens
    // for errors itself; this keeps an abandoned one (a retried 429, say) from becoming uncaught
    body.on("error", noop);
    return {
      kind: "response",
      upstream: { statusCode: res.statusCode, headers: res.headers, body },
      abort: (reason) => body.destroy(reason),
    };
  }
}
