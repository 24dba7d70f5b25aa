// What this proxy knows of its AgentgatewayPolicy counters, for the policy's status: every counter
// it reserved on in a window that has not ended (bounded), read back from its store when a report
// is due, and the policies whose Global store (Redis) failed since the last report. Counter keys
// hold header values; reports carry only the limit, a bounded key label and the window.
import { createHash } from "node:crypto";
import type { UsageEntry } from "../snapshot/protocol.ts";
import type { CounterStore } from "./store.ts";

/** Counters tracked at most (the oldest windows go first). */
export const MAX_TRACKED = 2000;

interface Tracked {
  limit: string;
  key: string;
  windowStart: number;
  windowEnd: number;
  counters: "Local" | "Global";
}

/** A header value as a report label: a short hash, never the value. */
export function headerLabel(header: string, value: string): string {
  return `header:${header}:${createHash("sha256").update(value).digest("hex").slice(0, 12)}`;
}

export class UsageTracker {
  readonly #tracked = new Map<string, Tracked>();
  readonly #unavailable = new Set<string>();

  /** A reservation on `counterKey` succeeded. */
  track(counterKey: string, t: Tracked): void {
    if (this.#tracked.has(counterKey)) return;
    if (this.#tracked.size >= MAX_TRACKED) {
      const oldest = this.#tracked.keys().next().value;
      if (oldest !== undefined) this.#tracked.delete(oldest);
    }
    this.#tracked.set(counterKey, t);
  }

  /** A policy's Global counters could not be reached. */
  unavailable(policy: string): void {
    this.#unavailable.add(policy);
  }

  /** The counters of windows not yet over, with their values; clears the unavailable set. */
  async collect(
    stores: { local: CounterStore; global: CounterStore | undefined },
    now: number,
  ): Promise<{ entries: UsageEntry[]; unavailable: string[] }> {
    for (const [k, t] of this.#tracked) if (t.windowEnd <= now) this.#tracked.delete(k);
    const entries: UsageEntry[] = [];
    const unavailable = [...this.#unavailable].sort();
    this.#unavailable.clear();
    for (const counters of ["Local", "Global"] as const) {
      const store = counters === "Local" ? stores.local : stores.global;
      const keys = [...this.#tracked].filter(([, t]) => t.counters === counters);
      if (!store || keys.length === 0) continue;
      let values: number[];
      try {
        values = await store.read(keys.map(([k]) => k));
      } catch {
        continue; // the store is down: its counters are not reported this time
      }
      keys.forEach(([, t], i) => {
        entries.push({
          limit: t.limit,
          key: t.key,
          windowStart: t.windowStart,
          used: values[i] ?? 0,
          counters,
        });
      });
    }
    return { entries, unavailable };
  }
}
