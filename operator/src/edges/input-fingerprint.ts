// A fingerprint of everything a translation depends on, cheap enough to compute on every
// trigger: each object's canonical JSON is computed once per object identity (the cluster cache
// hands out the same object while it is unchanged), then all of them are hashed in one pass.
// Equal fingerprints mean equal inputs; the converse need not hold (a different order only costs
// one extra translation, whose result is then equal).
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical-hash.ts";

const jsonOf = new WeakMap<object, string>();

function objectJson(obj: unknown): string {
  if (typeof obj !== "object" || obj === null) return canonicalJson(obj);
  let json = jsonOf.get(obj);
  if (json === undefined) {
    json = canonicalJson(obj);
    jsonOf.set(obj, json);
  }
  return json;
}

export function inputFingerprint(objects: readonly unknown[], extra: unknown): string {
  const hash = createHash("sha256");
  for (const obj of objects) hash.update(objectJson(obj)).update("\n");
  return hash.update(canonicalJson(extra)).digest("hex");
}
