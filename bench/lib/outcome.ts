// How one measurement ended: measured, not possible here (and why), or broken (and how).
import { Unavailable } from "../contenders/types.ts";

export type Outcome = { status: "ok" } | { status: "unavailable" | "failed"; reason: string };

export function outcomeOf(err: unknown): Outcome {
  if (err instanceof Unavailable) return { status: "unavailable", reason: err.reason };
  return { status: "failed", reason: err instanceof Error ? err.message : String(err) };
}
