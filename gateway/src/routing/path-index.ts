// Path index of one hostname bucket: exact paths in a map, prefixes in a map keyed by the
// normalized prefix. A lookup gathers at most (segments + 2) pre-sorted lists and walks them in
// snapshot order lazily, so thousands of routes cost a few map hits per request.

export interface Ordered {
  /** Position in the snapshot's (precedence-sorted) route list. */
  order: number;
}

export class PathIndex<T extends Ordered> {
  readonly #exact = new Map<string, T[]>();
  readonly #prefix = new Map<string, T[]>();

  add(match: { type: "Exact" | "PathPrefix"; value: string } | undefined, entry: T): void {
    const [map, key] =
      match?.type === "Exact"
        ? [this.#exact, match.value]
        : [this.#prefix, normalizePrefix(match?.value ?? "/")];
    const list = map.get(key);
    if (list === undefined) map.set(key, [entry]);
    else list.push(entry);
  }

  /** Entries whose path match accepts `path`, in snapshot order (lazy). */
  *candidates(path: string): Generator<T> {
    const lists: T[][] = [];
    const exact = this.#exact.get(path);
    if (exact) lists.push(exact);
    for (const prefix of pathPrefixes(path)) {
      const l = this.#prefix.get(prefix);
      if (l) lists.push(l);
    }
    if (lists.length === 1) {
      yield* lists[0] as T[];
      return;
    }
    yield* mergeByOrder(lists);
  }
}

/** "/a/b/" → "/a/b"; "" or "/" → "/". Gateway API prefixes match whole path elements. */
export function normalizePrefix(prefix: string): string {
  let p = prefix.startsWith("/") ? prefix : `/${prefix}`;
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/** "/a/b/c" → "/", "/a", "/a/b", "/a/b/c" (empty elements skipped). */
export function pathPrefixes(path: string): string[] {
  const out = ["/"];
  let acc = "";
  for (const seg of path.split("/")) {
    if (seg === "") continue;
    acc += `/${seg}`;
    out.push(acc);
  }
  return out;
}

function* mergeByOrder<T extends Ordered>(lists: T[][]): Generator<T> {
  const idx = lists.map(() => 0);
  for (;;) {
    let best = -1;
    let bestOrder = Number.POSITIVE_INFINITY;
    for (let i = 0; i < lists.length; i++) {
      const e = (lists[i] as T[])[idx[i] as number];
      if (e !== undefined && e.order < bestOrder) {
        best = i;
        bestOrder = e.order;
      }
    }
    if (best === -1) return;
    const list = lists[best] as T[];
    const pos = idx[best] as number;
    idx[best] = pos + 1;
    yield list[pos] as T;
  }
}
