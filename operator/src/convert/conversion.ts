// What converting one object produced besides the object: notes (written as comments above it,
// where meaning changes or the user has something to do) and errors (a field that has no
// equivalent here: the object is not written, the command fails naming the field).
export interface Conversion {
  note(message: string): void;
  error(message: string): void;
}

export class ConversionLog implements Conversion {
  readonly notes: string[] = [];
  readonly errors: string[] = [];
  note(message: string): void {
    this.notes.push(message);
  }
  error(message: string): void {
    this.errors.push(message);
  }
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Errors for every field of `obj` outside `known`: never silently dropped. */
export function onlyKnown(
  obj: Record<string, unknown>,
  known: readonly string[],
  where: string,
  c: Conversion,
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key) && obj[key] !== undefined && obj[key] !== null)
      c.error(`${where}.${key}: not supported by ai-gateway convert`);
  }
}

/** The metadata worth carrying over: name, namespace, labels, annotations. */
export function carriedMetadata(meta: unknown): Record<string, unknown> {
  if (!isRecord(meta)) return {};
  const out: Record<string, unknown> = {};
  for (const key of ["name", "namespace", "labels", "annotations"] as const) {
    if (meta[key] !== undefined) out[key] = meta[key];
  }
  return out;
}
