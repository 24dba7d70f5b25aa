// Hostname index: exact names first, then the longest matching wildcard ("*.example.com" matches one
// or more labels in front of example.com, never example.com itself), then the catch-all. Lookup
// walks the request host's label suffixes, so it costs O(labels), not O(entries).

export class HostIndex<T> {
  readonly #exact = new Map<string, T>();
  readonly #wildcard = new Map<string, T>();
  #any: T | undefined;

  /** The entry for a pattern (exact name, "*.suffix", or undefined/"" for any host). */
  getOrCreate(pattern: string | undefined, create: () => T): T {
    if (pattern === undefined || pattern === "" || pattern === "*") {
      this.#any ??= create();
      return this.#any;
    }
    const p = pattern.toLowerCase();
    const map = p.startsWith("*.") ? this.#wildcard : this.#exact;
    const key = p.startsWith("*.") ? p.slice(1) : p;
    let entry = map.get(key);
    if (entry === undefined) {
      entry = create();
      map.set(key, entry);
    }
    return entry;
  }

  /** The most specific entry matching a normalized host (see normalizeHost). */
  lookup(host: string): T | undefined {
    const exact = this.#exact.get(host);
    if (exact !== undefined) return exact;
    if (this.#wildcard.size > 0) {
      // ".b.example.com" before ".example.com" before ".com": longest wildcard wins.
      let dot = host.indexOf(".");
      while (dot > 0) {
        const hit = this.#wildcard.get(host.slice(dot));
        if (hit !== undefined) return hit;
        dot = host.indexOf(".", dot + 1);
      }
    }
    return this.#any;
  }

  values(): T[] {
    const out = [...this.#exact.values(), ...this.#wildcard.values()];
    if (this.#any !== undefined) out.push(this.#any);
    return out;
  }
}

/** Host header → lower-case name without port or trailing dot ("" when absent). */
export function normalizeHost(hostHeader: string | undefined): string {
  if (!hostHeader) return "";
  let h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.lastIndexOf(":");
  if (colon !== -1) h = h.slice(0, colon);
  return h.endsWith(".") ? h.slice(0, -1) : h;
}
