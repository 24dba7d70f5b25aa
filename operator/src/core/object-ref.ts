// How the translator names objects: "<namespace>/<name>" keys and metadata accessors.
import type { ObjectMeta } from "../api/meta.ts";

export interface NamespacedName {
  namespace: string;
  name: string;
}

export function keyOf(ref: NamespacedName): string {
  return `${ref.namespace}/${ref.name}`;
}

/** The object's namespace; files without one land in "default", as with kubectl. */
export function namespaceOf(meta: ObjectMeta): string {
  return meta.namespace ?? "default";
}

export function refOf(meta: ObjectMeta): NamespacedName {
  return { namespace: namespaceOf(meta), name: meta.name };
}

/** metadata.generation, 0 when absent (standalone files). */
export function generationOf(meta: ObjectMeta): number {
  return meta.generation ?? 0;
}
