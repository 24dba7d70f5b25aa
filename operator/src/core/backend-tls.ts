// AgentgatewayBackend policies.tls → the snapshot's UpstreamTls: the CA bundle (ConfigMap or Secret
// key ca.crt), the mTLS client certificate (Secret keys tls.crt, tls.key and an optional ca.cert)
// and the handshake settings. PEM is parsed here (pure: no I/O, no clock; expiry is the
// handshake's business) so a bad certificate is a condition, not a failing request. Problems name
// objects and keys, never their contents.
import { createPrivateKey, X509Certificate } from "node:crypto";
import type { UpstreamTls } from "../../../gateway/src/snapshot/schema.ts";
import type { BackendTLS } from "../api/agentgateway-backend.ts";
import type { ConfigMap, Secret } from "../api/gateway-api.ts";
import { keyOf, type NamespacedName, refOf } from "./object-ref.ts";
import { type Problem, Reason } from "./reasons.ts";
import { findSecret, secretValue } from "./secret-data.ts";

/** The entries upstream agentgateway reads. */
export const TLS_KEYS = { ca: "ca.crt", cert: "tls.crt", key: "tls.key", mtlsCa: "ca.cert" } as const;

export interface TlsContext {
  secrets: readonly Secret[];
  configMaps: readonly ConfigMap[];
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate of a PEM bundle parses, and there is at least one. */
function certificatesProblem(pem: string, what: string): Problem | undefined {
  const blocks = pem.match(PEM_CERT) ?? [];
  const bad: Problem = {
    reason: Reason.InvalidCertificate,
    message: `${what} is not a PEM certificate bundle`,
  };
  if (blocks.length === 0) return bad;
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      return bad;
    }
  }
  return undefined;
}

function secretEntry(secret: Secret, key: string, path: string): string | Problem {
  const v = secretValue(secret, key);
  if (v === undefined)
    return {
      reason: Reason.SecretKeyNotFound,
      message: `${path}: Secret ${keyOf(refOfObject(secret))} has no "${key}" key`,
    };
  return "reason" in v ? v : v.value;
}

function refOfObject(o: Secret | ConfigMap): NamespacedName {
  return refOf(o.metadata);
}

function lookupSecret(ctx: TlsContext, ns: string, name: string, path: string): { secret: Secret } | Problem {
  const secret = findSecret(ctx.secrets, { namespace: ns, name });
  if (secret) return { secret };
  return { reason: Reason.SecretNotFound, message: `${path}: Secret ${ns}/${name} not found` };
}

/** caCertificateRefs[0]: the PEM bundle under ca.crt. */
function caBundle(tls: BackendTLS, ns: string, path: string, ctx: TlsContext): string | Problem | undefined {
  const ref = tls.caCertificateRefs?.[0];
  if (ref === undefined) return undefined;
  const at = `${path}.caCertificateRefs[0]`;
  let pem: string | Problem;
  if (ref.kind === "Secret") {
    const found = lookupSecret(ctx, ns, ref.name, at);
    if ("reason" in found) return found;
    pem = secretEntry(found.secret, TLS_KEYS.ca, at);
  } else {
    const cm = ctx.configMaps.find((c) => c.metadata.name === ref.name && refOf(c.metadata).namespace === ns);
    if (cm === undefined)
      return { reason: Reason.ConfigMapNotFound, message: `${at}: ConfigMap ${ns}/${ref.name} not found` };
    const v = cm.data?.[TLS_KEYS.ca];
    pem =
      v ??
      ({
        reason: Reason.ConfigMapKeyNotFound,
        message: `${at}: ConfigMap ${ns}/${ref.name} has no "${TLS_KEYS.ca}" key`,
      } satisfies Problem);
  }
  if (typeof pem !== "string") return pem;
  return (
    certificatesProblem(pem, `${at}: "${TLS_KEYS.ca}" of ${ref.kind ?? "ConfigMap"} ${ns}/${ref.name}`) ?? pem
  );
}

interface ClientIdentity {
  cert: string;
  privateKey: string;
  ca?: string;
}

/** mtlsCertificateRef[0]: tls.crt and tls.key (matching), and ca.cert when present. */
function clientIdentity(
  tls: BackendTLS,
  ns: string,
  path: string,
  ctx: TlsContext,
): ClientIdentity | Problem | undefined {
  const ref = tls.mtlsCertificateRef?.[0];
  if (ref === undefined) return undefined;
  const at = `${path}.mtlsCertificateRef[0]`;
  const found = lookupSecret(ctx, ns, ref.name, at);
  if ("reason" in found) return found;
  const s = found.secret;
  const cert = secretEntry(s, TLS_KEYS.cert, at);
  if (typeof cert !== "string") return cert;
  const key = secretEntry(s, TLS_KEYS.key, at);
  if (typeof key !== "string") return key;
  const where = `Secret ${ns}/${ref.name}`;
  const certBad = certificatesProblem(cert, `${at}: "${TLS_KEYS.cert}" of ${where}`);
  if (certBad) return certBad;
  let matches: boolean;
  try {
    const leaf = new X509Certificate((cert.match(PEM_CERT) ?? [cert])[0] ?? cert);
    matches = leaf.checkPrivateKey(createPrivateKey(key));
  } catch {
    return {
      reason: Reason.InvalidCertificate,
      message: `${at}: "${TLS_KEYS.key}" of ${where} is not a PEM private key`,
    };
  }
  if (!matches)
    return {
      reason: Reason.InvalidCertificate,
      message: `${at}: "${TLS_KEYS.key}" of ${where} does not match the certificate in "${TLS_KEYS.cert}"`,
    };
  const ca = secretValue(s, TLS_KEYS.mtlsCa);
  if (ca !== undefined && "reason" in ca) return ca;
  if (ca === undefined) return { cert, privateKey: key };
  return (
    certificatesProblem(ca.value, `${at}: "${TLS_KEYS.mtlsCa}" of ${where}`) ?? {
      cert,
      privateKey: key,
      ca: ca.value,
    }
  );
}

/**
 * The resolved policies.tls of one provider, at `path` (for messages), for a backend in `ns`.
 * undefined when nothing differs from the defaults (system CAs, SNI and SAN from the host).
 */
export function resolveUpstreamTls(
  tls: BackendTLS,
  ns: string,
  path: string,
  ctx: TlsContext,
): UpstreamTls | Problem | undefined {
  if (tls.certificateSource === "SPIFFE")
    return {
      reason: Reason.UnsupportedValue,
      message: `${path}.certificateSource: SPIFFE is not supported`,
    };
  const identity = clientIdentity(tls, ns, path, ctx);
  if (identity !== undefined && "reason" in identity) return identity;
  const ca = caBundle(tls, ns, path, ctx);
  if (typeof ca === "object") return ca;
  // caCertificateRefs takes priority over the mTLS Secret's ca.cert (as upstream)
  const trust = ca ?? identity?.ca;
  const out: UpstreamTls = {
    ...(trust !== undefined ? { ca: trust } : {}),
    ...(identity ? { cert: identity.cert, privateKey: identity.privateKey } : {}),
    ...(tls.sni !== undefined ? { sni: tls.sni } : {}),
    ...(tls.verifySubjectAltNames ? { verifySubjectAltNames: [...tls.verifySubjectAltNames] } : {}),
    ...(tls.insecureSkipVerify ? { insecureSkipVerify: tls.insecureSkipVerify } : {}),
    ...(tls.alpnProtocols ? { alpnProtocols: [...tls.alpnProtocols] } : {}),
    ...(tls.keyExchangeGroups ? { keyExchangeGroups: [...tls.keyExchangeGroups] } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}
