// The snapshot stream client (protocol.ts): subscribe to one Gateway's snapshots, hand each to the
// store, and ack every version — accepted, or rejected with the reason. Reconnects with capped
// exponential backoff and jitter; a stream silent for 3 ping intervals is considered dead. While
// disconnected the store keeps serving the last good snapshot.
import http from "node:http";
import https from "node:https";
import type { Logger } from "../log.ts";
import { type BackoffOptions, backoffDelay, DEFAULT_BACKOFF } from "./backoff.ts";
import { LineSplitter } from "./ndjson.ts";
import {
  ACKS_PATH,
  type Ack,
  type ListenerAck,
  PING_INTERVAL_MS,
  PROXY_ID_HEADER,
  SNAPSHOTS_PATH,
  StreamMessage,
  USAGE_PATH,
  type UsageReport,
} from "./protocol.ts";
import type { ApplyResult } from "./store.ts";

const MISSED_PINGS = 3;
const ACK_TIMEOUT_MS = 10_000;
/** Node's codes for a server certificate that does not verify (wrong CA, expired, wrong name). */
const TLS_VERIFY_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

export interface SnapshotClientOptions {
  /** Base URL of the operator's snapshot server, e.g. http://127.0.0.1:15010 */
  baseUrl: string;
  gateway: { namespace: string; name: string };
  /** The ServiceAccount token; called on every connect and ack (a token file is re-read). */
  token: string | (() => string);
  proxyId: string;
  /**
   * PEM bundle the operator's certificate must verify against (https URLs); called on every
   * connect and ack, so a re-read CA file follows a CA rotation without a restart.
   */
  ca?: () => string;
  apply: (raw: unknown) => ApplyResult;
  /** Bind state of the applied snapshot's listeners, sent with each accepted ack. */
  listenerStates?: () => Promise<ListenerAck[]>;
  log: Logger;
  pingIntervalMs?: number;
  backoff?: BackoffOptions;
  random?: () => number;
}

export class SnapshotClient {
  readonly #opts: SnapshotClientOptions;
  readonly #base: URL;
  #closed = false;
  #req: http.ClientRequest | undefined;
  #wake: (() => void) | undefined;
  #loop: Promise<void> | undefined;
  #connected = false;
  #lastResult: ApplyResult | undefined;

  constructor(opts: SnapshotClientOptions) {
    this.#opts = opts;
    this.#base = new URL(opts.baseUrl);
  }

  get connected(): boolean {
    return this.#connected;
  }

  /** Ack the last applied snapshot again, with fresh listener states (a port opened). */
  reack(): void {
    if (this.#lastResult && !this.#closed) void this.#ack(this.#lastResult);
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#req?.destroy();
    this.#wake?.();
    await this.#loop;
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#closed) {
      try {
        await this.#subscribeOnce(() => {
          attempt = 0;
        });
        if (!this.#closed) this.#opts.log.warn("snapshot stream ended; reconnecting");
      } catch (err) {
        if (!this.#closed) {
          const code = (err as { code?: unknown }).code;
          const untrusted = typeof code === "string" && TLS_VERIFY_CODES.has(code);
          this.#opts.log.warn(
            { err: err instanceof Error ? err.message : String(err), ...(untrusted ? { code } : {}) },
            untrusted
              ? "snapshot server certificate does not verify against the snapshot CA; refusing it, retrying"
              : "snapshot stream failed",
          );
        }
      }
      this.#connected = false;
      if (this.#closed) break;
      await this.#sleep(backoffDelay(attempt++, this.#opts.backoff ?? DEFAULT_BACKOFF, this.#opts.random));
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  #token(): string {
    const t = this.#opts.token;
    return typeof t === "function" ? t() : t;
  }

  #url(path: string): URL {
    const base = this.#base.pathname.replace(/\/$/, "");
    const url = new URL(this.#base);
    url.pathname = `${base}${path}`;
    return url;
  }

  #request(url: URL, opts: http.RequestOptions): http.ClientRequest {
    if (url.protocol !== "https:") return http.request(url, opts);
    const ca = this.#opts.ca?.();
    return https.request(url, { ...opts, ...(ca === undefined ? {} : { ca }) });
  }

  /** One subscription; resolves when the stream ends, rejects on a failure. */
  #subscribeOnce(onConnected: () => void): Promise<void> {
    const { gateway } = this.#opts;
    const url = this.#url(
      `${SNAPSHOTS_PATH}/${encodeURIComponent(gateway.namespace)}/${encodeURIComponent(gateway.name)}`,
    );
    const pingMs = this.#opts.pingIntervalMs ?? PING_INTERVAL_MS;
    return new Promise((resolve, reject) => {
      const req = this.#request(url, {
        method: "GET",
        headers: {
          authorization: `Bearer ${this.#token()}`,
          [PROXY_ID_HEADER]: this.#opts.proxyId,
          accept: "application/x-ndjson",
        },
      });
      this.#req = req;
      let watchdog: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(watchdog);
        watchdog = setTimeout(
          () => req.destroy(new Error(`no message for ${MISSED_PINGS} ping intervals`)),
          pingMs * MISSED_PINGS,
        );
      };
      const done = (err?: Error): void => {
        clearTimeout(watchdog);
        if (err) reject(err);
        else resolve();
      };
      req.on("error", done);
      req.on("response", (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          req.destroy();
          done(new Error(`snapshot server answered ${res.statusCode}`));
          return;
        }
        this.#connected = true;
        onConnected();
        this.#opts.log.info(
          { url: url.origin, gateway: `${gateway.namespace}/${gateway.name}` },
          "snapshot stream connected",
        );
        arm();
        const lines = new LineSplitter();
        res.on("data", (chunk: Buffer) => {
          arm();
          try {
            for (const line of lines.push(chunk)) this.#onLine(line);
          } catch (err) {
            req.destroy(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on("end", () => done());
        res.on("error", (err) => done(err));
        res.on("close", () => done(new Error("snapshot stream closed")));
      });
      req.end();
    });
  }

  #onLine(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.#opts.log.warn("snapshot stream: a line is not JSON; ignored");
      return;
    }
    const msg = StreamMessage.safeParse(json);
    if (!msg.success) {
      this.#opts.log.warn("snapshot stream: unknown message; ignored");
      return;
    }
    if (msg.data.type === "ping") return;
    const result = this.#opts.apply(msg.data.snapshot);
    this.#lastResult = result;
    void this.#ack(result);
  }

  /** Send this proxy's policy counter view (USAGE_PATH); failures are logged, the next report follows. */
  async reportUsage(report: Omit<UsageReport, "gateway" | "proxyId">): Promise<void> {
    const { gateway } = this.#opts;
    const body: UsageReport = {
      gateway: `${gateway.namespace}/${gateway.name}`,
      proxyId: this.#opts.proxyId,
      ...report,
    };
    try {
      await this.#post(USAGE_PATH, JSON.stringify(body));
    } catch (err) {
      this.#opts.log.warn({ err: err instanceof Error ? err.message : String(err) }, "usage report failed");
    }
  }

  /** POST a JSON body with this proxy's credentials; resolves on 2xx. */
  #post(path: string, body: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const req = this.#request(this.#url(path), {
        method: "POST",
        timeout: ACK_TIMEOUT_MS,
        headers: {
          authorization: `Bearer ${this.#token()}`,
          [PROXY_ID_HEADER]: this.#opts.proxyId,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      });
      req.on("timeout", () => req.destroy(new Error(`${path} timed out`)));
      req.on("error", reject);
      req.on("response", (res) => {
        res.resume();
        if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) resolve();
        else reject(new Error(`${path} answered ${res.statusCode}`));
      });
      req.end(body);
    });
  }

  async #ack(result: ApplyResult): Promise<void> {
    const { gateway } = this.#opts;
    const listeners = result.accepted ? await this.#opts.listenerStates?.() : undefined;
    const ack: Ack = {
      gateway: `${gateway.namespace}/${gateway.name}`,
      proxyId: this.#opts.proxyId,
      version: result.version,
      hash: result.hash,
      accepted: result.accepted,
      ...(result.reason === undefined ? {} : { reason: result.reason }),
      ...(listeners ? { listeners } : {}),
    };
    try {
      await this.#post(ACKS_PATH, JSON.stringify(ack));
    } catch (err) {
      this.#opts.log.warn(
        { version: ack.version, err: err instanceof Error ? err.message : String(err) },
        "snapshot ack failed",
      );
    }
  }
}
