// Reads the operator's reconcile histogram (sum and count) from its /metrics.
export type Histo = { sum: number; count: number };

export function parseHistogram(text: string, name: string): Histo | null {
  const sum = text.match(new RegExp(`^${name}_sum(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, "m"));
  const count = text.match(new RegExp(`^${name}_count(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, "m"));
  if (!sum?.[1] || !count?.[1]) return null;
  return { sum: Number(sum[1]), count: Number(count[1]) };
}

export const RECONCILE = "ai_gateway_operator_reconcile_duration_seconds";

export async function reconcileHisto(adminUrl: string): Promise<Histo | null> {
  const res = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  return parseHistogram(await res.text(), RECONCILE);
}

/** Mean ms per reconcile between two scrapes; null without data. */
export function meanMs(before: Histo | null, after: Histo | null): { n: number; meanMs: number | null } {
  if (!before || !after) return { n: 0, meanMs: null };
  const n = after.count - before.count;
  return { n, meanMs: n > 0 ? ((after.sum - before.sum) / n) * 1000 : null };
}
