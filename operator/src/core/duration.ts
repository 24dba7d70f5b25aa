// Gateway API durations ("1h", "30s", "1m30s", "500ms") to milliseconds.

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const WHOLE = /^([0-9]{1,5}(h|ms|m|s)){1,4}$/;
const PART = /([0-9]{1,5})(h|ms|m|s)/g;

/** Milliseconds of a Gateway API duration, or undefined when it is not one. */
export function parseDuration(value: string): number | undefined {
  if (!WHOLE.test(value)) return undefined;
  let total = 0;
  for (const m of value.matchAll(PART)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
  }
  return total;
}

/** A timeout in ms for the snapshot: undefined when unset or zero (Gateway API: 0s disables it). */
export function timeoutMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  return ms === undefined || ms === 0 ? undefined : ms;
}
