// Reading identity fields from untyped API objects (the informers store raw JSON).
import { z } from "zod";

const Meta = z.looseObject({
  metadata: z.looseObject({
    name: z.string(),
    namespace: z.string().optional(),
    resourceVersion: z.string().optional(),
    uid: z.string().optional(),
    generation: z.number().optional(),
  }),
});

export interface ObjectRef {
  namespace: string;
  name: string;
  resourceVersion: string;
}

export function refOf(obj: unknown): ObjectRef | undefined {
  const parsed = Meta.safeParse(obj);
  if (!parsed.success) return undefined;
  const m = parsed.data.metadata;
  return { namespace: m.namespace ?? "", name: m.name, resourceVersion: m.resourceVersion ?? "" };
}

/** "<namespace>/<name>", or "<name>" for cluster-scoped objects. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
