// Counters in Redis, shared by every proxy (and Gateway) configured with the same Redis: global
// limits, and spent amounts that survive proxy restarts. Each operation is one Lua script (ioredis
// defineCommand → EVALSHA), so a reservation over several counters is atomic. One Redis instance
// (or a primary with replicas), not Redis Cluster: the keys of one request may live on any slot.
// Commands fail fast (no offline queue, short timeout): the caller applies the policy's fail mode.
import { Redis, type RedisOptions } from "ioredis";
import type { CounterItem, CounterStore, ReserveResult } from "./store.ts";

// KEYS: counters. ARGV: amount, limit, ttlMs per key. All fit → add all, return {1, values...};
// else return {0, index (1-based), current value}.
const RESERVE_LUA = `
for i = 1, #KEYS do
  local amount = tonumber(ARGV[i * 3 - 2])
  local limit = tonumber(ARGV[i * 3 - 1])
  local cur = tonumber(redis.call('GET', KEYS[i]) or '0')
  if amount > 0 and cur + amount > limit then return {0, i, cur} end
end
local out = {1}
for i = 1, #KEYS do
  out[#out + 1] = redis.call('INCRBY', KEYS[i], ARGV[i * 3 - 2])
  redis.call('PEXPIRE', KEYS[i], ARGV[i * 3])
end
return out
`;

// KEYS: counters. ARGV: delta, ttlMs per key.
const ADJUST_LUA = `
for i = 1, #KEYS do
  redis.call('INCRBY', KEYS[i], ARGV[i * 2 - 1])
  redis.call('PEXPIRE', KEYS[i], ARGV[i * 2])
end
return 1
`;

interface PolicyCommands {
  aigwReserve(numKeys: number, ...args: (string | number)[]): Promise<number[]>;
  aigwAdjust(numKeys: number, ...args: (string | number)[]): Promise<number>;
}

export interface RedisStoreOptions {
  url: string;
  password?: string;
  /** Per-command timeout (ms). Default 250. */
  commandTimeoutMs?: number;
  /** Key prefix. Default "aigw:". */
  prefix?: string;
}

export class RedisCounterStore implements CounterStore {
  readonly kind = "redis";
  readonly #redis: Redis & PolicyCommands;
  readonly #prefix: string;

  constructor(opts: RedisStoreOptions) {
    const options: RedisOptions = {
      commandTimeout: opts.commandTimeoutMs ?? 250,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // reconnect forever, at most every 2 s: Redis coming back heals without a restart
      retryStrategy: (times) => Math.min(100 * times, 2_000),
      lazyConnect: false,
    };
    if (opts.password !== undefined) options.password = opts.password;
    const redis = new Redis(opts.url, options);
    // errors surface on commands; the connection's own error events must not crash the process
    redis.on("error", () => {});
    redis.defineCommand("aigwReserve", { lua: RESERVE_LUA });
    redis.defineCommand("aigwAdjust", { lua: ADJUST_LUA });
    this.#redis = redis as Redis & PolicyCommands;
    this.#prefix = opts.prefix ?? "aigw:";
  }

  async reserve(items: readonly CounterItem[]): Promise<ReserveResult> {
    const args: (string | number)[] = items.map((it) => this.#prefix + it.key);
    for (const it of items) args.push(it.amount, it.limit, Math.max(1, Math.ceil(it.ttlMs)));
    const r = await this.#redis.aigwReserve(items.length, ...args);
    if (r[0] === 1) return { ok: true, values: r.slice(1).map(Number) };
    return { ok: false, refused: Number(r[1]) - 1, value: Number(r[2]) };
  }

  async adjust(items: readonly { key: string; delta: number; ttlMs: number }[]): Promise<void> {
    if (items.length === 0) return;
    const args: (string | number)[] = items.map((it) => this.#prefix + it.key);
    for (const it of items) args.push(Math.round(it.delta), Math.max(1, Math.ceil(it.ttlMs)));
    await this.#redis.aigwAdjust(items.length, ...args);
  }

  async read(keys: readonly string[]): Promise<number[]> {
    if (keys.length === 0) return [];
    const vals = await this.#redis.mget(...keys.map((k) => this.#prefix + k));
    return vals.map((v) => (v === null ? 0 : Number(v)));
  }

  ready(timeoutMs: number): Promise<void> {
    const redis = this.#redis;
    if (redis.status === "ready") return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        redis.off("ready", onReady);
        reject(new Error(`redis not ready after ${timeoutMs} ms (status ${redis.status})`));
      }, timeoutMs);
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      redis.once("ready", onReady);
    });
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
