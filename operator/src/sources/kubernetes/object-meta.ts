// Reading identity fields from untyped API objects (the informers store raw JSON).

export interface ObjectRef {
  namespace: string;
  name: string;
  resourceVersion: string;
}

/** Called for every watch event and status job: checks the few fields by hand (no zod parse). */
export function refOf(obj: unknown): ObjectRef | undefined {
  if (!isRecord(obj) || !isRecord(obj.metadata)) return undefined;
  const { name, namespace, resourceVersion, uid, generation } = obj.metadata;
  if (typeof name !== "string") return undefined;
  if (!optionalString(namespace) || !optionalString(resourceVersion) || !optionalString(uid))
    return undefined;
  if (generation !== undefined && typeof generation !== "number") return undefined;
  return { namespace: namespace ?? "", name, resourceVersion: resourceVersion ?? "" };
}

function optionalString(v: unknown): v is string | undefined {
  return v === undefined || typeof v === "string";
}

/** "<namespace>/<name>", or "<name>" for cluster-scoped objects. */
export function keyOf(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
