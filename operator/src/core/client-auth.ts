// Client (gateway) API keys. Each entry of the keys Secret is one key: id = entry name, stored as
// the hex SHA-256 of the trimmed value (the proxy hashes what the client presents and compares).
//   AIRoute: spec.clientAuth.secretRef (cross-namespace needs a ReferenceGrant).
//   Gateway: annotation agentgateway.dev/client-keys-secret: <Secret name in the Gateway's namespace>.
// Fail closed: a missing or unusable Secret gives `keys: []` (every request 401) plus a Problem.
import { createHash } from "node:crypto";
import type { ClientAuth } from "../../../gateway/src/snapshot/schema.ts";
import type { ReferenceGrant, Secret } from "../api/gateway-api.ts";
import { keyOf, type NamespacedName } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";
import { CORE_GROUP, refPermitted } from "./reference-grants.ts";
import type { RouteModel } from "./route-model.ts";
import { findSecret, secretKeys, secretValue } from "./secret-data.ts";
import { sortBy } from "./sorting.ts";

/** Gateway annotation naming the Secret of client keys required on every route of the Gateway. */
export const CLIENT_KEYS_ANNOTATION = "agentgateway.dev/client-keys-secret";

export interface ClientAuthOutcome {
  clientAuth: ClientAuth;
  problem?: Problem;
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

function failClosed(ref: NamespacedName, problem: Problem): ClientAuthOutcome {
  return { clientAuth: { secretRef: keyOf(ref), keys: [] }, problem };
}

/** Keys of a Secret: empty entries are skipped (an empty key must never match). */
export function clientKeysFromSecret(secret: Secret, ref: NamespacedName): ClientAuthOutcome {
  const keys: ClientAuth["keys"] = [];
  for (const id of secretKeys(secret)) {
    const v = secretValue(secret, id);
    if (!v || "reason" in v) continue;
    const trimmed = v.value.trim();
    if (trimmed !== "") keys.push({ id, sha256: sha256Hex(trimmed) });
  }
  const clientAuth = { secretRef: keyOf(ref), keys: sortBy(keys, (k) => [k.id]) };
  if (keys.length > 0) return { clientAuth };
  return {
    clientAuth,
    problem: {
      reason: Reason.InvalidSecret,
      message: `client keys Secret ${keyOf(ref)} has no non-empty entries`,
    },
  };
}

function fromSecretRef(ref: NamespacedName, secrets: readonly Secret[]): ClientAuthOutcome {
  const secret = findSecret(secrets, ref);
  if (!secret)
    return failClosed(ref, {
      reason: Reason.SecretNotFound,
      message: `client keys Secret ${keyOf(ref)} not found`,
    });
  return clientKeysFromSecret(secret, ref);
}

export function routeClientAuth(
  route: RouteModel,
  secrets: readonly Secret[],
  grants: readonly ReferenceGrant[],
): ClientAuthOutcome | undefined {
  const ref = route.clientAuthRef;
  if (!ref) return undefined;
  const from = { group: route.group, kind: route.kind, namespace: route.ref.namespace };
  if (!refPermitted(grants, from, { group: CORE_GROUP, kind: "Secret", ...ref })) {
    return failClosed(ref, {
      reason: Reason.RefNotPermitted,
      message: `client keys Secret ${keyOf(ref)} is in another namespace and no ReferenceGrant there allows ${route.kind}s from namespace ${route.ref.namespace}`,
    });
  }
  return fromSecretRef(ref, secrets);
}

export function gatewayClientAuth(
  gateway: NamespacedName,
  annotations: Record<string, string>,
  secrets: readonly Secret[],
): ClientAuthOutcome | undefined {
  const name = annotations[CLIENT_KEYS_ANNOTATION];
  if (name === undefined) return undefined;
  const ref = { namespace: gateway.namespace, name: name.trim() };
  if (ref.name === "") {
    return failClosed(ref, {
      reason: Reason.SecretNotFound,
      message: `annotation ${CLIENT_KEYS_ANNOTATION} is empty`,
    });
  }
  return fromSecretRef(ref, secrets);
}
