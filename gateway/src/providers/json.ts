// Narrow accessors for untrusted provider/client JSON (no `any`, no casts at call sites).
import type { JsonObject } from "./types.ts";

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function field(v: unknown, ...path: string[]): unknown {
  let cur: unknown = v;
  for (const key of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

export function num(v: unknown, ...path: string[]): number | undefined {
  const x = field(v, ...path);
  return typeof x === "number" && Number.isFinite(x) && x >= 0 ? x : undefined;
}

export function str(v: unknown, ...path: string[]): string | undefined {
  const x = field(v, ...path);
  return typeof x === "string" ? x : undefined;
}

/** Sum of the numbers present; undefined when none is. */
export function sumPresent(...values: (number | undefined)[]): number | undefined {
  let total: number | undefined;
  for (const v of values) if (v !== undefined) total = (total ?? 0) + v;
  return total;
}

/** The usual `{"error":{"message"}}` / `{"message"}` error text of a provider body. */
export function commonErrorMessage(json: unknown): string | undefined {
  return str(json, "error", "message") ?? str(json, "message") ?? str(json, "error");
}
