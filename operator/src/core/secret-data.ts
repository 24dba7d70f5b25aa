// Reading a Secret's entries: `data` is base64 (API server), `stringData` plain (files); a
// stringData entry wins over a data entry of the same name, as the API server merges them.
// Values never leave this module except as credentials or hashes; problems name keys only.
import type { Secret } from "../api/gateway-api.ts";
import { lookupFirst } from "./lookup-index.ts";
import type { NamespacedName } from "./object-ref.ts";
import { keyOf, namespaceOf } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";
import { uniqueSorted } from "./sorting.ts";

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function secretKeyOf(s: Secret): string {
  return keyOf(refOfSecret(s));
}

export function findSecret(secrets: readonly Secret[], ref: NamespacedName): Secret | undefined {
  return lookupFirst(secrets, secretKeyOf, keyOf(ref));
}

export function secretKeys(secret: Secret): string[] {
  return uniqueSorted([...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})]);
}

/** The decoded value of one entry, or a problem (bad base64). undefined when the key is absent. */
export function secretValue(secret: Secret, key: string): { value: string } | Problem | undefined {
  const plain = secret.stringData?.[key];
  if (plain !== undefined) return { value: plain };
  const encoded = secret.data?.[key];
  if (encoded === undefined) return undefined;
  const compact = encoded.replace(/\s+/g, "");
  if (!BASE64.test(compact) || compact.length % 4 === 1) {
    return {
      reason: Reason.InvalidSecret,
      message: `key "${key}" of Secret ${keyOf(refOfSecret(secret))} is not valid base64`,
    };
  }
  return { value: Buffer.from(compact, "base64").toString("utf8") };
}

function refOfSecret(secret: Secret): NamespacedName {
  return { namespace: namespaceOf(secret.metadata), name: secret.metadata.name };
}

/** Trim whitespace and a leading "Bearer " (any case): what a provider key looks like on the wire. */
export function normalizeCredential(raw: string): string {
  return raw.replace(/^\s*bearer(?:\s+|$)/i, "").trim();
}

/**
 * Whether a credential can travel in an HTTP header unchanged: printable ASCII, space and tab only.
 * Control characters (CR/LF: header injection) are refused by every client; anything past ASCII
 * would be re-encoded or refused per request, so it is refused once, at config time.
 */
export function headerSafe(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c > 0x7e) return false;
  }
  return true;
}
