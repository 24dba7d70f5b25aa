// Abortable waiting: latency pauses and socket backpressure.
import { once } from "node:events";
import type { ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

/** Waits `ms` (no timer at all when 0). False when the signal fired first. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Writes and, when the socket buffer is full, waits for it to drain. False when aborted. */
export async function write(
  res: ServerResponse,
  data: string | Buffer,
  signal: AbortSignal,
): Promise<boolean> {
  if (signal.aborted) return false;
  if (res.write(data)) return true;
  try {
    await once(res, "drain", { signal });
    return true;
  } catch {
    return false;
  }
}
