// Locale-independent ordering helpers: the translator's output must not depend on the host.

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compare tuples of strings/numbers left to right. */
export function compareTuples(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    const c = typeof x === "number" && typeof y === "number" ? x - y : compareStrings(String(x), String(y));
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Stable sort by a tuple key, computed once per item. */
export function sortBy<T>(items: readonly T[], key: (item: T) => (string | number)[]): T[] {
  return items
    .map((item) => ({ item, k: key(item) }))
    .sort((a, b) => compareTuples(a.k, b.k))
    .map((x) => x.item);
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(compareStrings);
}
