// Path index of one hostname bucket: exact paths in a map, prefixes in a map keyed by the
// normalized prefix; the entries of each key are indexed by header (HeaderIndexedList). A lookup
// gathers a few pre-sorted lists (at most segments + 2 path keys, one list per indexed header name
// each) and walks them in snapshot order lazily, so thousands of routes cost a few map hits per
// request.
import { HeaderIndexedList, type HeaderKey, type Ordered } from "./header-index.ts";
import type { HeaderLookup } from "./matchers.ts";

export type { Ordered } from "./header-index.ts";

const SLASH = 0x2f;
const EMPTY: readonly never[] = [];

export class PathIndex<T extends Ordered> {
  readonly #exact = new Map<string, HeaderIndexedList<T>>();
  readonly #prefix = new Map<string, HeaderIndexedList<T>>();

  /** Entries must be added in snapshot order. `header`: the entry's first Exact header match. */
  add(
    match: { type: "Exact" | "PathPrefix"; value: string } | undefined,
    entry: T,
    header?: HeaderKey,
  ): void {
    const [map, key] =
      match?.type === "Exact"
        ? [this.#exact, match.value]
        : [this.#prefix, normalizePrefix(match?.value ?? "/")];
    let list = map.get(key);
    if (list === undefined) {
      list = new HeaderIndexedList<T>();
      map.set(key, list);
    }
    list.add(entry, header);
  }

  /**
   * Entries whose path match accepts `path`, in snapshot order (lazy). Entries indexed by a header
   * the request does not carry with that exact value are skipped; all others still need their
   * matchers checked.
   */
  candidates(path: string, header: HeaderLookup): Iterable<T> {
    const lists: T[][] = [];
    this.#exact.get(path)?.collect(header, lists);
    forEachPathPrefix(path, (prefix) => this.#prefix.get(prefix)?.collect(header, lists));
    // one list (the usual case): it is already in snapshot order, no merge and no generator
    if (lists.length === 1) return lists[0] as T[];
    if (lists.length === 0) return EMPTY;
    return mergeByOrder(lists);
  }
}

/** "/a/b/" → "/a/b"; "" or "/" → "/". Gateway API prefixes match whole path elements. */
export function normalizePrefix(prefix: string): string {
  let p = prefix.startsWith("/") ? prefix : `/${prefix}`;
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/**
 * Calls `visit` with "/", "/a", "/a/b", "/a/b/c" for "/a/b/c", in that order (empty elements
 * skipped). Every request's lookup walks these, so nothing is built for them: each prefix of a path
 * with no empty element is one of its slices; only a path with "//" (or none at the start) is split.
 */
export function forEachPathPrefix(path: string, visit: (prefix: string) => void): void {
  visit("/");
  if (path.charCodeAt(0) === SLASH && !path.includes("//")) {
    for (let i = 2; i <= path.length; i++) {
      if (i < path.length && path.charCodeAt(i) !== SLASH) continue;
      if (path.charCodeAt(i - 1) === SLASH) continue; // a trailing "/"
      visit(path.slice(0, i));
    }
    return;
  }
  let acc = "";
  for (const seg of path.split("/")) {
    if (seg === "") continue;
    acc += `/${seg}`;
    visit(acc);
  }
}

/** forEachPathPrefix's prefixes as an array. */
export function pathPrefixes(path: string): string[] {
  const out: string[] = [];
  forEachPathPrefix(path, (prefix) => out.push(prefix));
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
