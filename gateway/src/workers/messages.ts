// The messages between a worker-mode proxy's primary and its workers (node:cluster IPC, structured
// clone). The primary holds the snapshot stream, the admin server and the Local policy counters;
// each worker serves the listeners with the snapshot the primary hands it.
import type { MetricObjectWithValues, MetricValue } from "prom-client";
import type { UsageBody } from "../main.ts";
import type { CounterItem, ReserveResult } from "../policy/store.ts";

export type CounterCall =
  | { op: "reserve"; items: CounterItem[] }
  | { op: "adjust"; items: { key: string; delta: number; ttlMs: number }[] }
  | { op: "read"; keys: string[] };

export type CounterAnswer = ReserveResult | undefined | number[];

/** Primary → worker. */
export type ToWorker =
  | { t: "snapshot"; snapshot: unknown }
  | { t: "counters-answer"; id: number; answer?: CounterAnswer; error?: string }
  | { t: "metrics"; id: number }
  | { t: "usage"; id: number }
  | { t: "close"; graceMs: number; delayMs: number };

/** What a worker serves: the version it applied and whether all of its listeners are open. */
export interface WorkerState {
  version: number | undefined;
  listenersOpen: boolean;
  /** Gateway port → local port, as open in this worker. */
  ports: Record<number, number>;
}

/** Worker → primary. */
export type FromWorker =
  | { t: "started" }
  | { t: "state"; state: WorkerState }
  | { t: "counters"; id: number; call: CounterCall }
  | { t: "metrics-answer"; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] }
  | { t: "usage-answer"; id: number; usage: UsageBody };

export function isFromWorker(m: unknown): m is FromWorker {
  return typeof m === "object" && m !== null && typeof (m as { t?: unknown }).t === "string";
}

export function isToWorker(m: unknown): m is ToWorker {
  return typeof m === "object" && m !== null && typeof (m as { t?: unknown }).t === "string";
}
