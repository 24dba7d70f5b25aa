// A small Kubernetes REST client on node:http(s). Credentials and TLS come from client-node's
// KubeConfig (KUBECONFIG or in-cluster service account); everything else is plain HTTP so the
// informers control list/watch parameters (resourceVersion, bookmarks, timeouts) themselves.
//
// Error messages carry method, path, status and the API's `reason`, never a response body: a
// Status message about a Secret may quote its content.
import http from "node:http";
import https from "node:https";
import { createInterface } from "node:readline";
import { KubeConfig } from "@kubernetes/client-node";
import { KubeApiError } from "../../edges/errors.ts";

const REQUEST_TIMEOUT_MS = 30_000;

export interface KubeResponse {
  status: number;
  body: unknown;
}

export interface RequestOptions {
  query?: Record<string, string | undefined>;
  body?: unknown;
  contentType?: string;
  /** Aborting destroys the request; the promise rejects. */
  signal?: AbortSignal;
}

export interface WatchOptions {
  query: Record<string, string | undefined>;
  /** Abort the stream when nothing (not even a bookmark) arrives for this long. */
  idleTimeoutMs: number;
  signal: AbortSignal;
  onEvent: (event: unknown) => void;
  /** A line that is not JSON was skipped (its length only: the text may quote a Secret). */
  onMalformed?: (bytes: number) => void;
}

export class KubeClient {
  readonly #kc: KubeConfig;
  readonly #server: URL;

  constructor(kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error("kubeconfig has no current cluster");
    this.#kc = kc;
    this.#server = new URL(cluster.server);
  }

  /** KUBECONFIG, ~/.kube/config or the in-cluster service account. */
  static fromDefault(): KubeClient {
    const kc = new KubeConfig();
    kc.loadFromDefault();
    return new KubeClient(kc);
  }

  /** One request; resolves with any HTTP status (callers decide), rejects on transport errors. */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<KubeResponse> {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const req = await this.#open(method, path, opts.query, {
      ...(payload === undefined ? {} : { "content-type": opts.contentType ?? "application/json" }),
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`${method} ${path}: timeout`)));
    const signal = opts.signal;
    const onAbort = () => req.destroy(new Error(`${method} ${path}: aborted`));
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("close", () => signal?.removeEventListener("abort", onAbort));
    return new Promise<KubeResponse>((resolve, reject) => {
      req.on("error", reject);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, body: parseJson(text) });
        });
      });
      req.end(payload);
    });
  }

  /** Like request() but throws KubeApiError unless the status is 2xx. */
  async call(method: string, path: string, opts: RequestOptions = {}): Promise<unknown> {
    const res = await this.request(method, path, opts);
    if (res.status < 200 || res.status > 299) throw apiError(method, path, res);
    return res.body;
  }

  /** Streams watch events until the server closes the stream (resolves) or it fails (rejects). */
  async watch(path: string, opts: WatchOptions): Promise<void> {
    const req = await this.#open("GET", path, { ...opts.query, watch: "true" }, {});
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        opts.signal.removeEventListener("abort", onAbort);
        req.destroy();
        if (err) reject(err);
        else resolve();
      };
      let timer = setTimeout(() => finish(new Error("watch idle timeout")), opts.idleTimeoutMs);
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(new Error("watch idle timeout")), opts.idleTimeoutMs);
      };
      const onAbort = () => finish();
      if (opts.signal.aborted) return finish();
      opts.signal.addEventListener("abort", onAbort);
      req.on("error", (err) => finish(err));
      req.on("response", (res) => {
        const status = res.statusCode ?? 0;
        if (status !== 200) {
          res.resume();
          finish(new KubeApiError("GET", path, status, status === 410 ? "Expired" : ""));
          return;
        }
        const lines = createInterface({ input: res, crlfDelay: Number.POSITIVE_INFINITY });
        lines.on("error", (err) => finish(err));
        lines.on("line", (line) => {
          touch();
          if (line.trim() === "") return;
          const event = parseJson(line);
          if (event !== undefined) opts.onEvent(event);
          else opts.onMalformed?.(Buffer.byteLength(line));
        });
        res.on("error", (err) => finish(err));
        res.on("close", () => finish());
      });
      req.end();
    });
  }

  async #open(
    method: string,
    path: string,
    query: Record<string, string | undefined> | undefined,
    headers: Record<string, string>,
  ): Promise<http.ClientRequest> {
    const url = new URL(this.#server.pathname.replace(/\/$/, "") + path, this.#server);
    for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) url.searchParams.set(k, v);
    const opts: https.RequestOptions = {
      method,
      headers: { accept: "application/json", ...headers },
    };
    await this.#kc.applyToHTTPSOptions(opts);
    opts.headers = { ...(opts.headers as Record<string, string>), ...headers };
    if (url.protocol === "http:") {
      delete opts.agent;
      return http.request(url, opts);
    }
    return https.request(url, opts);
  }
}

export function apiError(method: string, path: string, res: KubeResponse): KubeApiError {
  const reason =
    typeof res.body === "object" && res.body !== null && "reason" in res.body
      ? String((res.body as { reason: unknown }).reason)
      : "";
  return new KubeApiError(method, path, res.status, reason);
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
