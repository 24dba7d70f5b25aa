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
    const tlsRefs = tlsSecretRefs(key, value);
    if (tlsRefs !== undefined) {
      for (const name of tlsRefs) out.add(keyOf(defaultNs, name));
    } else if (key === "secretRef" && isRecord(value) && typeof value.name === "string") {
      const ns = typeof value.namespace === "string" && value.namespace !== "" ? value.namespace : defaultNs;
      out.add(keyOf(ns, value.name));
    } else {
      collectSecretRefs(value, defaultNs, out);
    }
  }
}

/** policies.tls (same namespace): mtlsCertificateRef names Secrets, caCertificateRefs of kind Secret. */
function tlsSecretRefs(key: string, value: unknown): string[] | undefined {
  if (key !== "mtlsCertificateRef" && key !== "caCertificateRefs") return undefined;
  if (!Array.isArray(value)) return [];
  return value
    .filter((r) => isRecord(r) && typeof r.name === "string")
    .filter((r) => key === "mtlsCertificateRef" || r.kind === "Secret")
    .map((r) => r.name as string);
}

/** Names of the ConfigMaps a backend's policies.tls (its own or a group provider's) takes CAs from. */
function backendCaConfigMaps(spec: unknown): string[] {
  if (!isRecord(spec)) return [];
  const policies = [spec.policies];
  const groups = isRecord(spec.ai) && Array.isArray(spec.ai.groups) ? spec.ai.groups : [];
  for (const g of groups) {
    if (isRecord(g) && Array.isArray(g.providers))
      for (const p of g.providers) if (isRecord(p)) policies.push(p.policies);
  }
  const out: string[] = [];
  for (const pol of policies) {
    const refs = isRecord(pol) && isRecord(pol.tls) ? pol.tls.caCertificateRefs : undefined;
    if (!Array.isArray(refs)) continue;
    for (const r of refs)
      if (isRecord(r) && typeof r.name === "string" && (r.kind === undefined || r.kind === "ConfigMap"))
        out.push(r.name);
  }
  return out;
}

/**
 * "<namespace>/<name>" of every ConfigMap the translator reads (same namespace as the referrer): an
 * AgentgatewayPolicy's pricesFrom, an AgentgatewayBackend's policies.tls caCertificateRefs.
 */
export function referencedConfigMaps(objects: readonly unknown[]): Set<string> {
  const out = new Set<string>();
  for (const obj of objects) {
    if (!isRecord(obj) || !isRecord(obj.metadata)) continue;
    const ns = obj.metadata.namespace;
    if (obj.kind === "AgentgatewayBackend" && typeof ns === "string") {
      for (const name of backendCaConfigMaps(obj.spec)) out.add(keyOf(ns, name));
      continue;
    }
    if (obj.kind !== "AgentgatewayPolicy") continue;
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
