// Constant-time lookups over the translator's input lists. A list is indexed once, the first time
// it is searched (the index is remembered per list object, so one translate() call builds each
// index once); the lists are never mutated after validation. Lookups give exactly what a linear
// `find`/`filter` over the list would: the first match, or every match in list order.

type KeyFn = (item: never) => string;
const indexes = new WeakMap<readonly unknown[], Map<KeyFn, Map<string, unknown[]>>>();

function indexOf<T>(list: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const perKey = indexes.get(list) ?? new Map<KeyFn, Map<string, unknown[]>>();
  indexes.set(list, perKey);
  const cached = perKey.get(key);
  if (cached) return cached as Map<string, T[]>;
  const index = new Map<string, T[]>();
  for (const item of list) {
    const k = key(item);
    const bucket = index.get(k);
    if (bucket) bucket.push(item);
    else index.set(k, [item]);
  }
  perKey.set(key, index as Map<string, unknown[]>);
  return index;
}

/** Every item of `list` whose key is `k`, in list order (pass a module-level `key` function). */
export function lookupAll<T>(list: readonly T[], key: (item: T) => string, k: string): readonly T[] {
  return indexOf(list, key).get(k) ?? [];
}

/** The first item of `list` whose key is `k`. */
export function lookupFirst<T>(list: readonly T[], key: (item: T) => string, k: string): T | undefined {
  return lookupAll(list, key, k)[0];
}
