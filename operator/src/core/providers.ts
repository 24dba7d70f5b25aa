// Provider defaults and where a provider's requests go (host, port, TLS). A provider is data:
// default host, auth header and prefix, API version. Overrides: `host`/`port`/`path` on the
// provider (plain HTTP unless policies.tls, as upstream; our `plaintext` states it explicitly), and
// the dev-only settings.providerOverride.
import type { LLMProvider, ProviderKind } from "../api/agentgateway-backend.ts";
import { PROVIDER_KINDS } from "../api/agentgateway-backend.ts";
import type { Endpoint } from "./provider-override.ts";
import { isPublicProviderHost } from "./public-hosts.ts";
import { type Problem, Reason } from "./reasons.ts";

export interface ProviderDefaults {
  /** Default host; azureopenai (its `endpoint` is the host) and vertexai and bedrock (by region) have none. */
  host?: string;
  /** Header that carries the credential, and the text before it. */
  header: string;
  prefix: string;
}

export const PROVIDER_DEFAULTS: Record<ProviderKind, ProviderDefaults> = {
  openai: { host: "api.openai.com", header: "Authorization", prefix: "Bearer " },
  azureopenai: { header: "api-key", prefix: "" },
  azure: { header: "api-key", prefix: "" },
  gemini: { host: "generativelanguage.googleapis.com", header: "x-goog-api-key", prefix: "" },
  anthropic: { host: "api.anthropic.com", header: "x-api-key", prefix: "" },
  // the host depends on the region (vertexHost)
  vertexai: { header: "Authorization", prefix: "Bearer " },
  // the host depends on the region (bedrockHost); requests are signed (SigV4), not keyed
  bedrock: { header: "Authorization", prefix: "" },
  // upstream's default location: Authorization: Bearer; the host is the provider's or its backendRef's
  custom: { header: "Authorization", prefix: "Bearer " },
};

export const DEFAULT_TLS_PORT = 443;
export const DEFAULT_PLAINTEXT_PORT = 80;
/** Azure API version when a provider sets none: the v1 API (/openai/v1/..., model in the body), as upstream. */
export const AZURE_DEFAULT_API_VERSION = "v1";

/** Host suffix of an `azure` provider's resource, by resource type. */
export const AZURE_RESOURCE_HOST_SUFFIX = {
  OpenAI: ".openai.azure.com",
  Foundry: ".services.ai.azure.com",
} as const;
/** Gemini API version path segment used when a gemini provider sets none. */
export const GEMINI_DEFAULT_API_VERSION = "v1beta";

/** Vertex AI location used when a vertexai provider sets no region (as upstream). */
export const VERTEX_DEFAULT_REGION = "global";

/** Vertex AI's host for a location: aiplatform.googleapis.com for global, else {region}-aiplatform.googleapis.com. */
export function vertexHost(region: string): string {
  return region === "global" ? "aiplatform.googleapis.com" : `${region}-aiplatform.googleapis.com`;
}

/** AWS region used when a bedrock provider sets none (as upstream). */
export const BEDROCK_DEFAULT_REGION = "us-east-1";

/** Bedrock Runtime's host for a region. */
export function bedrockHost(region: string): string {
  return `bedrock-runtime.${region}.amazonaws.com`;
}

/** A DNS name or an IP address (IPv6 in brackets); no scheme, port or path. */
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?)$/;

/** The one provider kind set on `p`, or a problem naming the path. */
export function providerKind(p: LLMProvider, path: string): ProviderKind | Problem {
  const set = PROVIDER_KINDS.filter((k) => p[k] !== undefined);
  const only = set.length === 1 ? set[0] : undefined;
  if (only) return only;
  return {
    reason: Reason.InvalidConfig,
    message: `${path}: exactly one of ${PROVIDER_KINDS.join(", ")} must be set (found ${set.length === 0 ? "none" : set.join(", ")})`,
  };
}

/** Azure `endpoint` as a host: accepts "name.openai.azure.com" or "https://name.openai.azure.com/". */
function azureHost(endpoint: string): string {
  return endpoint.replace(/^https:\/\//i, "").replace(/\/+$/, "");
}

function checkHost(host: string, path: string): Problem | undefined {
  if (HOST.test(host)) return undefined;
  return {
    reason: Reason.InvalidConfig,
    message: `${path}: "${host}" is not a hostname (no scheme, port or path: use port, and policies.tls for HTTPS)`,
  };
}

/** Host configured by the user: `host`, else the azure endpoint. */
function explicitHost(p: LLMProvider, kind: ProviderKind, path: string): { host?: string } | Problem {
  if (p.host !== undefined) return checkHost(p.host, `${path}.host`) ?? { host: p.host };
  if (kind === "azureopenai" && p.azureopenai) {
    const host = azureHost(p.azureopenai.endpoint);
    return checkHost(host, `${path}.azureopenai.endpoint`) ?? { host };
  }
  if (kind === "azure" && p.azure) {
    const host = `${p.azure.resourceName}${AZURE_RESOURCE_HOST_SUFFIX[p.azure.resourceType]}`;
    return checkHost(host, `${path}.azure.resourceName`) ?? { host };
  }
  if (kind === "vertexai" && p.vertexai) {
    const host = vertexHost(p.vertexai.region ?? VERTEX_DEFAULT_REGION);
    return checkHost(host, `${path}.vertexai.region`) ?? { host };
  }
  if (kind === "bedrock" && p.bedrock) {
    const host = bedrockHost(p.bedrock.region ?? BEDROCK_DEFAULT_REGION);
    return checkHost(host, `${path}.bedrock.region`) ?? { host };
  }
  return {};
}

/**
 * Where requests to this provider go. The dev-only providerOverride replaces every endpoint but a
 * `host` override. A `host`/`port` override goes over plain HTTP unless TLS is
 * asked for (policies.tls, or our `plaintext: false`), as upstream; otherwise the default, over TLS. Plain HTTP to a public provider host is refused (see public-hosts.ts).
 */
export function providerEndpoint(
  p: LLMProvider,
  kind: ProviderKind,
  path: string,
  override: Endpoint | undefined,
  tlsPolicy = false,
): Endpoint | Problem {
  const endpoint = endpointOf(p, kind, path, override, tlsPolicy);
  if ("reason" in endpoint || endpoint.tls || !isPublicProviderHost(endpoint.host)) return endpoint;
  return {
    reason: Reason.PlaintextToPublicHost,
    message: `${path}: ${endpoint.host}:${endpoint.port} is a public provider host and would be reached over plain HTTP (credentials and prompts in clear text); set policies.tls or remove the host/port override`,
  };
}

function endpointOf(
  p: LLMProvider,
  kind: ProviderKind,
  path: string,
  override: Endpoint | undefined,
  tlsPolicy: boolean,
): Endpoint | Problem {
  if (p.plaintext === true && tlsPolicy)
    return {
      reason: Reason.InvalidConfig,
      message: `${path}.plaintext: true contradicts policies.tls (remove one of them)`,
    };
  if (p.host === undefined && override) return override;
  if (p.host !== undefined || p.port !== undefined) {
    const explicit = explicitHost(p, kind, path);
    if ("reason" in explicit) return explicit;
    const host = explicit.host ?? PROVIDER_DEFAULTS[kind].host;
    if (host === undefined) return { reason: Reason.InvalidConfig, message: `${path}: no host` };
    const tls = tlsPolicy || p.plaintext === false;
    return { host, port: p.port ?? (tls ? DEFAULT_TLS_PORT : DEFAULT_PLAINTEXT_PORT), tls };
  }
  if (p.plaintext === true) {
    return { reason: Reason.InvalidConfig, message: `${path}.plaintext: requires ${path}.host` };
  }
  const explicit = explicitHost(p, kind, path);
  if ("reason" in explicit) return explicit;
  const host = explicit.host ?? PROVIDER_DEFAULTS[kind].host;
  if (host === undefined) return { reason: Reason.InvalidConfig, message: `${path}: no host` };
  return { host, port: DEFAULT_TLS_PORT, tls: true };
}
