// The set of Secrets referenced by backends, routes and Gateways, kept up to date incrementally:
// a watch event re-reads only the object that changed (a full list re-reads its kind). Each
// Secret key is counted once per referring object, so the set changes only when the first
// reference appears or the last one goes: O(1) per event instead of re-scanning every object.
import type { ObjectChange } from "./informer.ts";
import { referencedSecrets } from "./references.ts";

export class ReferencedSecrets {
  /** "<kind> <namespace>/<name>" of a referring object → the Secrets it references. */
  readonly #byObject = new Map<string, readonly string[]>();
  readonly #counts = new Map<string, number>();

  has(secretKey: string): boolean {
    return this.#counts.has(secretKey);
  }

  /** One object of `kind` changed; returns true when the set of referenced Secrets changed. */
  update(kind: string, change: ObjectChange): boolean {
    const id = `${kind} ${change.key}`;
    const refs = change.object === undefined ? [] : [...referencedSecrets([change.object])];
    return this.#replace(id, refs);
  }

  /** Every object of `kind` may have changed: recount them all; true when the set changed. */
  replaceKind(kind: string, objects: Iterable<[key: string, object: unknown]>): boolean {
    let changed = false;
    const prefix = `${kind} `;
    const current = new Set<string>();
    for (const [key, obj] of objects) {
      current.add(`${prefix}${key}`);
      changed = this.#replace(`${prefix}${key}`, [...referencedSecrets([obj])]) || changed;
    }
    for (const id of [...this.#byObject.keys()]) {
      if (id.startsWith(prefix) && !current.has(id)) changed = this.#replace(id, []) || changed;
    }
    return changed;
  }

  /** New references are counted before old ones are dropped, so an unchanged object is a no-op. */
  #replace(id: string, refs: readonly string[]): boolean {
    let changed = false;
    for (const key of refs) {
      const n = this.#counts.get(key) ?? 0;
      this.#counts.set(key, n + 1);
      if (n === 0) changed = true;
    }
    for (const key of this.#byObject.get(id) ?? []) {
      const n = (this.#counts.get(key) ?? 0) - 1;
      if (n > 0) this.#counts.set(key, n);
      else {
        this.#counts.delete(key);
        changed = true;
      }
    }
    if (refs.length > 0) this.#byObject.set(id, refs);
    else this.#byObject.delete(id);
    return changed;
  }
}
