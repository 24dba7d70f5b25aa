// Where counters live. Local: a Map in this proxy (N replicas allow N times a limit). Redis: one
// counter per key shared by every proxy and Gateway using that Redis, updated atomically by Lua
// (see redis-store.ts). Both implement this contract; store.contract.ts runs the same tests on both.
//
// reserve() is all-or-nothing: every item fits (value + amount <= limit) and all are added, or none
// is added and `refused` names the first item that did not fit.

export interface CounterItem {
  key: string;
  amount: number;
  limit: number;
  /** The counter expires this many ms from now (its window's end plus a margin). */
  ttlMs: number;
}

export type ReserveResult = { ok: true; values: number[] } | { ok: false; refused: number; value: number };

export interface CounterStore {
  readonly kind: "local" | "redis";
  reserve(items: readonly CounterItem[]): Promise<ReserveResult>;
  /** Add deltas (negative to give back); never fails the caller on a refused limit. */
  adjust(items: readonly { key: string; delta: number; ttlMs: number }[]): Promise<void>;
  /** Current values (0 for absent counters). */
  read(keys: readonly string[]): Promise<number[]>;
  /** Resolves once the store can serve commands; rejects after timeoutMs. */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export class LocalCounterStore implements CounterStore {
  readonly kind = "local";
  readonly #counters = new Map<string, { value: number; expiresAt: number }>();
  readonly #now: () => number;
  #sweepAt = 0;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  #get(key: string, now: number): number {
    const c = this.#counters.get(key);
    if (!c) return 0;
    if (c.expiresAt <= now) {
      this.#counters.delete(key);
      return 0;
    }
    return c.value;
  }

  #add(key: string, delta: number, ttlMs: number, now: number): number {
    const value = this.#get(key, now) + delta;
    this.#counters.set(key, { value, expiresAt: now + ttlMs });
    return value;
  }

  #sweep(now: number): void {
    if (now < this.#sweepAt) return;
    this.#sweepAt = now + 60_000;
    for (const [k, c] of this.#counters) if (c.expiresAt <= now) this.#counters.delete(k);
  }

  reserve(items: readonly CounterItem[]): Promise<ReserveResult> {
    const now = this.#now();
    this.#sweep(now);
    for (const [i, it] of items.entries()) {
      const value = this.#get(it.key, now);
      if (it.amount > 0 && value + it.amount > it.limit)
        return Promise.resolve({ ok: false, refused: i, value });
    }
    return Promise.resolve({
      ok: true,
      values: items.map((it) => this.#add(it.key, it.amount, it.ttlMs, now)),
    });
  }

  adjust(items: readonly { key: string; delta: number; ttlMs: number }[]): Promise<void> {
    const now = this.#now();
    for (const it of items) this.#add(it.key, it.delta, it.ttlMs, now);
    return Promise.resolve();
  }

  read(keys: readonly string[]): Promise<number[]> {
    const now = this.#now();
    return Promise.resolve(keys.map((k) => this.#get(k, now)));
  }

  ready(_timeoutMs: number): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#counters.clear();
    return Promise.resolve();
  }
}
