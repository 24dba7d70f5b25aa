// Upstream connection pools (undici), one per provider origin and TLS settings
// ("https:host:port[:<settings hash>]") of the served snapshot, with keep-alive and a connect
// timeout. TLS verifies the provider's certificate against Node's CA store (NODE_EXTRA_CA_CERTS
// included) unless the provider's policies.tls says otherwise (upstream-tls.ts). Pools of keys no
// snapshot uses any more (an origin gone, a rotated CA or client certificate) are retired: close()
// lets their in-flight requests finish, then closes the sockets.
import type { UpstreamTls } from "../snapshot/schema.ts";
import { Pool } from "./undici-parts.ts";
import { alpnConnector, tlsConnectOptions } from "./upstream-tls.ts";

export interface PoolOptions {
  connectTimeoutMs: number;
}

export class AgentPool {
  readonly #pools = new Map<string, Pool>();
  readonly #opts: PoolOptions;

  constructor(opts: PoolOptions) {
    this.#opts = opts;
  }

  /** The pool of `key`, created for `origin` ("http(s)://host[:port]") with `tls` on first use. */
  get(key: string, origin: string, tls?: UpstreamTls): Pool {
    let pool = this.#pools.get(key);
    if (!pool) {
      const options = { rejectUnauthorized: true, ...tlsConnectOptions(tls) };
      const alpn = origin.startsWith("https:") ? tls?.alpnProtocols : undefined;
      pool = new Pool(origin, {
        connect: alpn
          ? alpnConnector(options, alpn, this.#opts.connectTimeoutMs)
          : { timeout: this.#opts.connectTimeoutMs, ...options },
        pipelining: 1,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /** Retire pools whose key is not in `inUse`. */
  retain(inUse: ReadonlySet<string>): void {
    for (const [key, pool] of this.#pools) {
      if (inUse.has(key)) continue;
      this.#pools.delete(key);
      pool.close().catch(() => {});
    }
  }

  /** Keys of the pools alive now (tests and diagnostics). */
  keys(): string[] {
    return [...this.#pools.keys()];
  }

  destroy(): void {
    for (const pool of this.#pools.values()) pool.destroy().catch(() => {});
    this.#pools.clear();
  }
}
