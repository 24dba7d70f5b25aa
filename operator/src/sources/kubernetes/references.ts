// Which Secrets and Services the translator can need, computed from the objects that refer to
// them. The cache holds only those (see informer.ts `keep`).
import { isRecord, keyOf } from "./object-meta.ts";

/** Gateway annotation naming a Secret (same namespace) of client keys for the whole Gateway. */
export const CLIENT_KEYS_ANNOTATION = "agentgateway.dev/client-keys-secret";

/** Kinds whose spec may hold `secretRef: {name, namespace?}` anywhere (auth, clientAuth). */
const SECRET_REFERRING_KINDS = new Set(["AgentgatewayBackend", "AIRoute", "HTTPRoute", "Gateway"]);

/** "<namespace>/<name>" of every Secret referenced by a backend, route or Gateway. */
export function referencedSecrets(objects: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const obj of objects) {
    if (!isRecord(obj) || !isRecord(obj.metadata)) continue;
    const ns = typeof obj.metadata.namespace === "string" ? obj.metadata.namespace : "";
    if (obj.kind === "Gateway") {
      const annotations = isRecord(obj.metadata.annotations) ? obj.metadata.annotations : {};
      const name = annotations[CLIENT_KEYS_ANNOTATION];
      if (typeof name === "string" && name !== "") out.add(keyOf(ns, name));
    }
    if (typeof obj.kind === "string" && SECRET_REFERRING_KINDS.has(obj.kind)) {
      collectSecretRefs(obj.spec, ns, out);
    }
  }
  return out;
}

function collectSecretRefs(node: unknown, defaultNs: string, out: Set<string>): void {
  if (Array.isArray(node)) {
    for (const item of node) collectSecretRefs(item, defaultNs, out);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === "secretRef" && isRecord(value) && typeof value.name === "string") {
      const ns = typeof value.namespace === "string" && value.namespace !== "" ? value.namespace : defaultNs;
      out.add(keyOf(ns, value.name));
    } else {
      collectSecretRefs(value, defaultNs, out);
    }
  }
}

/** "<namespace>/<name>" of every ConfigMap an AgentgatewayPolicy takes prices from (same namespace). */
export function policyConfigMaps(objects: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const obj of objects) {
    if (!isRecord(obj) || obj.kind !== "AgentgatewayPolicy" || !isRecord(obj.metadata)) continue;
    const ns = obj.metadata.namespace;
    const from =
      isRecord(obj.spec) && isRecord(obj.spec.pricesFrom) ? obj.spec.pricesFrom.configMapRef : undefined;
    if (typeof ns === "string" && isRecord(from) && typeof from.name === "string")
      out.add(keyOf(ns, from.name));
  }
  return out;
}

/** "<namespace>/<name>" of every Gateway: its Service has the same name. */
export function gatewayKeys(objects: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const obj of objects) {
    if (!isRecord(obj) || obj.kind !== "Gateway" || !isRecord(obj.metadata)) continue;
    const { namespace, name } = obj.metadata;
    if (typeof namespace === "string" && typeof name === "string") out.add(keyOf(namespace, name));
  }
  return out;
}
