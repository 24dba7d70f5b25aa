// One upstream attempt through http-proxy-3 (selfHandleResponse: the relay writes the client
// response). The gateway prepares everything beforehand — path, headers (credential injected),
// body — and this file only sends it and reports the upstream response or the failure.
import type {
  ClientRequest,
  IncomingHttpHeaders,
  IncomingMessage,
  OutgoingHttpHeaders,
  ServerResponse,
} from "node:http";
import { Readable } from "node:stream";
import { createProxyServer } from "http-proxy-3";
import type { AgentPool } from "./agents.ts";

export interface UpstreamTarget {
  key: string;
  host: string;
  port: number;
  tls: boolean;
}

export interface AttemptSpec {
  target: UpstreamTarget;
  /** Path and query string. */
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
}

export type AttemptResult =
  | { kind: "response"; upstream: IncomingMessage; abort: (reason: Error) => void }
  | {
      kind: "error";
      error: Error & { code?: string };
      /** The request went out on a reused keep-alive socket that turned out stale: safe to resend. */
      staleSocket: boolean;
    };

interface Pending {
  settled: boolean;
  settle: (r: AttemptResult) => void;
  proxyReq: ClientRequest | undefined;
}

export class Forwarder {
  readonly #proxy = createProxyServer({});
  /** Keyed by the attempt's body stream: http-proxy-3 hands it back with each proxyReq event. */
  readonly #pending = new WeakMap<object, Pending>();
  readonly #agents: AgentPool;

  constructor(agents: AgentPool) {
    this.#agents = agents;
    this.#proxy.on("proxyReq", (proxyReq, _req, _res, options) => {
      const p = options.buffer ? this.#pending.get(options.buffer) : undefined;
      if (!p) return;
      if (p.settled) {
        proxyReq.destroy();
        return;
      }
      p.proxyReq = proxyReq;
      proxyReq.once("response", (upstream: IncomingMessage) => {
        if (p.settled) {
          upstream.destroy();
          return;
        }
        p.settle({
          kind: "response",
          upstream,
          abort: (reason) => {
            proxyReq.destroy(reason);
            upstream.destroy(reason);
          },
        });
      });
    });
    // errors go to the per-attempt callback; this keeps a stray one from crashing the process
    this.#proxy.on("error", () => {});
  }

  /** Send one attempt. `signal` aborts it (timeouts, client gone, kill switch). */
  attempt(
    req: IncomingMessage,
    res: ServerResponse,
    spec: AttemptSpec,
    signal: AbortSignal,
  ): Promise<AttemptResult> {
    return new Promise((resolve) => {
      const pending: Pending = {
        settled: false,
        proxyReq: undefined,
        settle: (r) => {
          if (pending.settled) return;
          pending.settled = true;
          signal.removeEventListener("abort", onAbort);
          resolve(r);
        },
      };
      const onAbort = (): void => {
        const reason = signal.reason instanceof Error ? signal.reason : new Error("aborted");
        pending.proxyReq?.destroy(reason);
        pending.settle({ kind: "error", error: reason, staleSocket: false });
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      const buffer = Readable.from(spec.body.length > 0 ? [spec.body] : []);
      this.#pending.set(buffer, pending);
      // http-proxy-3 copies req.url and req.headers into the upstream request.
      req.url = spec.path;
      req.headers = spec.headers as IncomingHttpHeaders;
      this.#proxy.web(
        req,
        res,
        {
          target: {
            protocol: spec.target.tls ? "https:" : "http:",
            host: spec.target.host,
            port: spec.target.port,
          },
          agent: this.#agents.get(spec.target.key, spec.target.tls),
          selfHandleResponse: true,
          buffer,
          secure: true,
        },
        (err) => {
          const e = err as Error & { code?: string };
          const stale = pending.proxyReq?.reusedSocket === true && e.code === "ECONNRESET";
          pending.settle({ kind: "error", error: e, staleSocket: stale });
        },
      );
    });
  }
}
