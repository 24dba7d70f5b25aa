// Which entry of a Secret holds a provider API key, and its usable value.
//   explicit `key` > Authorization > apiKey > api-key > api_key > the only key (when exactly one).
import type { Secret } from "../api/gateway-api.ts";
import type { NamespacedName } from "./object-ref.ts";
import { keyOf } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";
import { headerSafe, normalizeCredential, secretKeys, secretValue } from "./secret-data.ts";

export const DEFAULT_SECRET_KEYS = ["Authorization", "apiKey", "api-key", "api_key"] as const;

export interface ResolvedSecretKey {
  key: string;
  credential: string;
}

function describeKeys(keys: readonly string[]): string {
  return keys.length === 0 ? "the Secret has no keys" : `keys found: ${keys.join(", ")}`;
}

/** The entry to read, or a SecretKeyNotFound problem that lists the names present (never values). */
export function pickSecretKey(secret: Secret, ref: NamespacedName, explicit?: string): string | Problem {
  const keys = secretKeys(secret);
  if (explicit !== undefined) {
    if (keys.includes(explicit)) return explicit;
    return {
      reason: Reason.SecretKeyNotFound,
      message: `Secret ${keyOf(ref)} has no key "${explicit}" (${describeKeys(keys)})`,
    };
  }
  const preferred = DEFAULT_SECRET_KEYS.find((k) => keys.includes(k));
  if (preferred) return preferred;
  const only = keys.length === 1 ? keys[0] : undefined;
  if (only !== undefined) return only;
  return {
    reason: Reason.SecretKeyNotFound,
    message: `Secret ${keyOf(ref)} has none of the keys ${DEFAULT_SECRET_KEYS.join(", ")} and not exactly one key; set secretRef.key (${describeKeys(keys)})`,
  };
}

/** Resolve the provider credential held by a Secret. */
export function resolveSecretKey(
  secret: Secret,
  ref: NamespacedName,
  explicit?: string,
): ResolvedSecretKey | Problem {
  const key = pickSecretKey(secret, ref, explicit);
  if (typeof key !== "string") return key;
  const raw = secretValue(secret, key);
  if (raw === undefined) {
    return { reason: Reason.SecretKeyNotFound, message: `Secret ${keyOf(ref)} has no key "${key}"` };
  }
  if ("reason" in raw) return raw;
  const credential = normalizeCredential(raw.value);
  if (credential === "") {
    return {
      reason: Reason.InvalidSecret,
      message: `key "${key}" of Secret ${keyOf(ref)} is empty (after trimming whitespace and a leading "Bearer ")`,
    };
  }
  if (!headerSafe(credential)) {
    return {
      reason: Reason.InvalidSecret,
      message: `key "${key}" of Secret ${keyOf(ref)} contains characters not allowed in an HTTP header`,
    };
  }
  return { key, credential };
}
