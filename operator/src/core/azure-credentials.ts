// policies.auth.azure: an Entra ID app registration (client credentials) in a Secret of the
// backend's namespace, keys clientID, tenantID, clientSecret (as upstream agentgateway). The proxy
// exchanges it for access tokens; the token endpoint is Entra's, never one a manifest names (only the
// dev-only provider override moves it, as it moves every provider's default host).
import type { AgentgatewayBackend, AuthPolicy } from "../api/agentgateway-backend.ts";
import { keyOf, type NamespacedName, namespaceOf } from "./object-ref.ts";
import type { Endpoint } from "./provider-override.ts";
import { type Problem, Reason } from "./reasons.ts";
import { findSecret, headerSafe, secretKeys, secretValue } from "./secret-data.ts";

/** The Secret entries policies.auth.azure.secretRef reads (as upstream agentgateway). */
export const AZURE_SECRET_KEYS = {
  clientID: "clientID",
  tenantID: "tenantID",
  clientSecret: "clientSecret",
} as const;
export const ENTRA_HOST = "login.microsoftonline.com";
/** Scope of Azure OpenAI (and Azure AI services) tokens. */
export const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";
/** Scope of Azure AI Foundry project endpoints (*.services.ai.azure.com), as upstream. */
export const FOUNDRY_SCOPE = "https://ai.azure.com/.default";

/** What travels in the snapshot (as JSON) for an azureClientSecret credential. */
export interface AzureClientCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** A tenant is a GUID or a domain name: it is a path segment of the token URL. */
const TENANT = /^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/;

const unsupported = (path: string, field: string): Problem => ({
  reason: Reason.UnsupportedValue,
  message: `${path}.azure.${field}: not supported (use azure.secretRef with an app registration's clientID, tenantID and clientSecret)`,
});

export function resolveAzureAuth(
  backend: AgentgatewayBackend,
  azure: NonNullable<AuthPolicy["azure"]>,
  path: string,
  secrets: Parameters<typeof findSecret>[0],
): { credential: string; source: string; tenantId: string } | Problem {
  if (azure.managedIdentity !== undefined) return unsupported(path, "managedIdentity");
  if (azure.workloadIdentity !== undefined) return unsupported(path, "workloadIdentity");
  if (azure.secretRef === undefined) {
    return {
      reason: Reason.UnsupportedValue,
      message: `${path}.azure: implicit Azure credentials (no secretRef) are not supported; set azure.secretRef`,
    };
  }
  const target: NamespacedName = { namespace: namespaceOf(backend.metadata), name: azure.secretRef.name };
  const secret = findSecret(secrets, target);
  if (!secret) return { reason: Reason.SecretNotFound, message: `Secret ${keyOf(target)} not found` };
  const keys = secretKeys(secret);
  const read = (entry: string): string | Problem => {
    const raw = secretValue(secret, entry);
    if (raw === undefined) {
      return {
        reason: Reason.SecretKeyNotFound,
        message: `${path}.azure.secretRef: Secret ${keyOf(target)} has no key "${entry}" (${keys.length === 0 ? "the Secret has no keys" : `keys found: ${keys.join(", ")}`})`,
      };
    }
    if ("reason" in raw) return raw;
    const value = raw.value.trim();
    if (value === "" || !headerSafe(value)) {
      return {
        reason: Reason.InvalidSecret,
        message: `${path}.azure.secretRef: key "${entry}" of Secret ${keyOf(target)} is empty or holds characters a credential cannot have`,
      };
    }
    return value;
  };
  const tenantId = read(AZURE_SECRET_KEYS.tenantID);
  if (typeof tenantId !== "string") return tenantId;
  if (!TENANT.test(tenantId)) {
    return {
      reason: Reason.InvalidSecret,
      message: `${path}.azure.secretRef: key "tenantID" of Secret ${keyOf(target)} is not a tenant ID or domain`,
    };
  }
  const clientId = read(AZURE_SECRET_KEYS.clientID);
  if (typeof clientId !== "string") return clientId;
  const clientSecret = read(AZURE_SECRET_KEYS.clientSecret);
  if (typeof clientSecret !== "string") return clientSecret;
  const creds: AzureClientCredentials = { tenantId, clientId, clientSecret };
  return { credential: JSON.stringify(creds), source: `secret:${keyOf(target)}`, tenantId };
}

/**
 * Entra's token endpoint for a tenant. With the dev-only provider override (e2e, local runs) the
 * same path on the override's host: a test never sends a client secret anywhere else, and a
 * manifest has no say in where it goes.
 */
export function azureTokenUrl(tenantId: string, override: Endpoint | undefined): string {
  const path = `/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`;
  if (!override) return `https://${ENTRA_HOST}${path}`;
  const scheme = override.tls ? "https" : "http";
  const host =
    override.host.includes(":") && !override.host.startsWith("[") ? `[${override.host}]` : override.host;
  return `${scheme}://${host}:${override.port}${path}`;
}
