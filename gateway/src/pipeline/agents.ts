// Upstream connection pools (undici), one per provider origin ("https:host:port") of the served
// snapshot, with keep-alive and a connect timeout. TLS verifies the provider's certificate against
// Node's CA store (NODE_EXTRA_CA_CERTS included). Pools of origins no snapshot uses any more are
// retired: close() lets their in-flight requests finish, then closes the sockets.
import { Pool } from "undici";

export interface PoolOptions {
  connectTimeoutMs: number;
}

export class AgentPool {
  readonly #pools = new Map<string, Pool>();
  readonly #opts: PoolOptions;

  constructor(opts: PoolOptions) {
    this.#opts = opts;
  }

  /** The pool of `key`, created for `origin` ("http(s)://host[:port]") on first use. */
  get(key: string, origin: string): Pool {
    let pool = this.#pools.get(key);
    if (!pool) {
      pool = new Pool(origin, {
        connect: { timeout: this.#opts.connectTimeoutMs, rejectUnauthorized: true },
        pipelining: 1,
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /** Retire pools whose origin is not in `inUse`. */
  retain(inUse: ReadonlySet<string>): void {
    for (const [key, pool] of this.#pools) {
      if (inUse.has(key)) continue;
      this.#pools.delete(key);
      pool.close().catch(() => {});
    }
  }

  destroy(): void {
    for (const pool of this.#pools.values()) pool.destroy().catch(() => {});
    this.#pools.clear();
  }
}
