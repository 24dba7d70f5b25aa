// The simulator's run-time settings (latency, chunks, keys) and its id counter.
import type { Latency } from "./types.ts";

export interface SimState {
  ttftMs: number;
  interTokenMs: number;
  chunks: number;
  requiredKeys: ReadonlySet<string> | undefined;
  nextId(prefix: string): string;
}

export const DEFAULT_CHUNKS = 5;

export function createState(init: Latency & { chunks?: number; requireKey?: string | string[] }): SimState {
  let seq = 0;
  return {
    ttftMs: init.ttftMs ?? 0,
    interTokenMs: init.interTokenMs ?? 0,
    chunks: init.chunks ?? DEFAULT_CHUNKS,
    requiredKeys: toKeySet(init.requireKey),
    nextId(prefix) {
      seq += 1;
      return `${prefix}${seq.toString().padStart(8, "0")}`;
    },
  };
}

export function toKeySet(k: string | string[] | undefined): ReadonlySet<string> | undefined {
  if (k === undefined) return undefined;
  return new Set(typeof k === "string" ? [k] : k);
}

export function applyLatency(state: SimState, l: Latency): void {
  if (l.ttftMs !== undefined) state.ttftMs = l.ttftMs;
  if (l.interTokenMs !== undefined) state.interTokenMs = l.interTokenMs;
}
