// Summary statistics over samples (milliseconds).

/** Nearest-rank percentile of an ascending-sorted array; null when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? null;
}

export function sortedCopy(xs: ArrayLike<number>): Float64Array {
  return Float64Array.from(xs).sort();
}

export type Summary = {
  n: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
};

export function summarize(xs: ArrayLike<number>): Summary {
  const s = sortedCopy(xs);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s.length ? (s[s.length - 1] ?? null) : null,
  };
}
