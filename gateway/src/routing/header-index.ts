// The entries of one path key, indexed by their first Exact header match: many routes that share a
// path and differ only by a header value (tenants, say) cost one map hit per indexed header name
// instead of a scan. Entries without an Exact header match stay in one plain list. Every list keeps
// snapshot (precedence) order; the caller merges the lists a request can match and still checks
// every matcher of an entry, so the index only skips entries that cannot match.
import type { HeaderLookup } from "./matchers.ts";

export interface Ordered {
  /** Position in the snapshot's (precedence-sorted) route list. */
  order: number;
}

/** The header an entry is indexed by: lower-case name and the exact value it requires. */
export interface HeaderKey {
  name: string;
  value: string;
}

const SEP = "\u0000";

export class HeaderIndexedList<T extends Ordered> {
  readonly #rest: T[] = [];
  readonly #byHeader = new Map<string, T[]>();
  /** Distinct indexed header names, in first-seen order. */
  readonly #names: string[] = [];

  /** Entries must be added in snapshot order. */
  add(entry: T, key: HeaderKey | undefined): void {
    if (key === undefined) {
      this.#rest.push(entry);
      return;
    }
    if (!this.#names.includes(key.name)) this.#names.push(key.name);
    const k = `${key.name}${SEP}${key.value}`;
    const list = this.#byHeader.get(k);
    if (list === undefined) this.#byHeader.set(k, [entry]);
    else list.push(entry);
  }

  /** Push onto `out` the (ordered) lists whose entries may match a request with these headers. */
  collect(header: HeaderLookup, out: T[][]): void {
    if (this.#rest.length > 0) out.push(this.#rest);
    for (const name of this.#names) {
      const v = header(name);
      if (v === undefined) continue;
      const list = this.#byHeader.get(`${name}${SEP}${v}`);
      if (list !== undefined) out.push(list);
    }
  }
}
