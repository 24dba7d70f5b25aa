// Fixed counting windows, aligned in UTC: seconds, minutes and hours to the epoch; days to midnight,
// weeks to Monday midnight, months to the 1st. A counter lives for its window; the same instant
// gives the same window on every proxy (clocks are assumed NTP-synchronised).
import type { LimitConfig } from "../snapshot/schema.ts";

export type Window = LimitConfig["window"];

export interface WindowSpan {
  /** Start, ms since the epoch (part of the counter key). */
  start: number;
  /** End (exclusive), ms since the epoch: reset time. */
  end: number;
}

const FIXED_MS: Partial<Record<Window, number>> = { Second: 1_000, Minute: 60_000, Hour: 3_600_000 };

export function windowAt(window: Window, nowMs: number): WindowSpan {
  const fixed = FIXED_MS[window];
  if (fixed !== undefined) {
    const start = nowMs - (nowMs % fixed);
    return { start, end: start + fixed };
  }
  const d = new Date(nowMs);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = d.getUTCDate();
  if (window === "Day") return { start: Date.UTC(y, m, day), end: Date.UTC(y, m, day + 1) };
  if (window === "Week") {
    const sinceMonday = (d.getUTCDay() + 6) % 7;
    return { start: Date.UTC(y, m, day - sinceMonday), end: Date.UTC(y, m, day - sinceMonday + 7) };
  }
  return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
}
