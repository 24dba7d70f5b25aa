// AgentgatewayBackend → BackendConfig (providers in priority groups with resolved credentials) or
// the Problem that keeps it out of every snapshot. Statuses: Accepted and ResolvedRefs.

import type { BackendConfig, ProviderConfig } from "../../../gateway/src/snapshot/schema.ts";
import type {
  AgentgatewayBackend,
  AuthPolicy,
  BackendAI,
  BackendTLS,
  HealthPolicy,
  LLMProvider,
  ProviderKind,
} from "../api/agentgateway-backend.ts";
import type { Condition } from "../api/meta.ts";
import { COGNITIVE_SERVICES_SCOPE, FOUNDRY_SCOPE } from "./azure-credentials.ts";
import { backendAiConfig } from "./backend-ai.ts";
import { healthConfig } from "./backend-health.ts";
import { resolveUpstreamTls, type TlsContext } from "./backend-tls.ts";
import { condition, failed } from "./conditions.ts";
import {
  type AuthSource,
  type CredentialContext,
  describeAuth,
  resolveAuth,
  resolveBackendAuth,
  upstreamAuth,
} from "./credentials.ts";
import { customProvider } from "./custom-provider.ts";
import { generationOf, keyOf, type NamespacedName, namespaceOf, refOf } from "./object-ref.ts";
import type { Endpoint } from "./provider-override.ts";
import {
  AZURE_DEFAULT_API_VERSION,
  BEDROCK_DEFAULT_REGION,
  GEMINI_DEFAULT_API_VERSION,
  providerEndpoint,
  providerKind,
  VERTEX_DEFAULT_REGION,
} from "./providers.ts";
import { ConditionType, type Problem, Reason } from "./reasons.ts";
import { sortBy } from "./sorting.ts";

export interface BackendContext extends CredentialContext, TlsContext {
  /** settings.providerOverride, parsed. */
  override: Endpoint | Problem | undefined;
}

export interface BackendOutcome {
  ref: NamespacedName;
  generation: number;
  /** Present when the backend is usable. */
  config?: BackendConfig;
  problem?: Problem;
  /** Where each provider's credential comes from ("<provider>: <description>"), for the condition message. */
  credentials?: string[];
}

interface NamedProvider {
  name: string;
  provider: LLMProvider;
  path: string;
  /** A group provider's own policies.auth (undefined: the backend's applies). */
  auth?: AuthPolicy;
  /** A group provider's own policies.ai (merged field by field over the backend's). */
  ai?: BackendAI;
  /** A group provider's own policies.tls (undefined: the backend's applies). */
  tls?: BackendTLS;
  /** A group provider's own policies.health (undefined: the backend's applies). */
  health?: HealthPolicy;
}

/** Name used for the provider of a single-provider backend. */
export const SINGLE_PROVIDER_NAME = "default";

function duplicateName(providers: readonly { name: string }[]): string | undefined {
  const seen = new Set<string>();
  for (const p of providers) {
    if (seen.has(p.name)) return p.name;
    seen.add(p.name);
  }
  return undefined;
}

function priorityGroups(b: AgentgatewayBackend): NamedProvider[][] | Problem {
  const { provider, groups } = b.spec.ai;
  if ((provider === undefined) === (groups === undefined)) {
    return { reason: Reason.InvalidConfig, message: "spec.ai: exactly one of provider, groups must be set" };
  }
  if (provider) return [[{ name: SINGLE_PROVIDER_NAME, provider, path: "spec.ai.provider" }]];
  const out: NamedProvider[][] = [];
  for (const [gi, group] of (groups ?? []).entries()) {
    const dup = duplicateName(group.providers);
    if (dup !== undefined) {
      return {
        reason: Reason.InvalidConfig,
        message: `spec.ai.groups[${gi}].providers: name "${dup}" is used more than once`,
      };
    }
    out.push(
      group.providers.map((p, pi) => ({
        name: p.name,
        provider: p,
        path: `spec.ai.groups[${gi}].providers[${pi}]`,
        ...(p.policies?.auth ? { auth: p.policies.auth } : {}),
        ...(p.policies?.ai ? { ai: p.policies.ai } : {}),
        ...(p.policies?.tls ? { tls: p.policies.tls } : {}),
        ...(p.policies?.health ? { health: p.policies.health } : {}),
      })),
    );
  }
  return out;
}

function endpointFor(
  np: NamedProvider,
  kind: ProviderKind,
  ctx: BackendContext,
  tlsPolicy: boolean,
): Endpoint | Problem {
  const override = ctx.override;
  if (override && "reason" in override && np.provider.host === undefined) return override;
  const usable = override && !("reason" in override) ? override : undefined;
  return providerEndpoint(np.provider, kind, np.path, usable, tlsPolicy);
}

/** The provider's policies.tls (its own replaces the backend's), resolved. */
function upstreamTlsFor(
  np: NamedProvider,
  b: AgentgatewayBackend,
  ctx: BackendContext,
): ReturnType<typeof resolveUpstreamTls> {
  const own = np.tls !== undefined;
  const tls = np.tls ?? b.spec.policies?.tls;
  if (tls === undefined) return undefined;
  const path = own ? `${np.path}.policies.tls` : "spec.policies.tls";
  return resolveUpstreamTls(tls, refOf(b.metadata).namespace, path, ctx);
}

/** The Azure block of a provider: the v1 API by default, or a deployment with a dated version. */
function azureConfig(
  p: NamedProvider["provider"],
  path: string,
): ProviderConfig["azure"] | Problem | undefined {
  if (p.azureopenai) {
    const apiVersion = p.azureopenai.apiVersion ?? AZURE_DEFAULT_API_VERSION;
    const deploymentName = p.azureopenai.deploymentName;
    if (apiVersion !== "v1" && deploymentName === undefined)
      return {
        reason: Reason.InvalidConfig,
        message: `${path}.azureopenai.deploymentName: required for apiVersion ${apiVersion} (only v1 takes the model from the request)`,
      };
    return { ...(deploymentName !== undefined ? { deploymentName } : {}), apiVersion };
  }
  if (p.azure) {
    const apiVersion = p.azure.apiVersion ?? AZURE_DEFAULT_API_VERSION;
    if (apiVersion !== "v1")
      return {
        reason: Reason.InvalidConfig,
        message: `${path}.azure.apiVersion: '${apiVersion}' is not supported (the azure provider serves the v1 API; for a dated version use azureopenai with a deploymentName)`,
      };
    if (p.azure.resourceType === "Foundry") {
      if (p.azure.projectName === undefined)
        return {
          reason: Reason.InvalidConfig,
          message: `${path}.azure.projectName: required when resourceType is Foundry`,
        };
      return { apiVersion, basePath: `/api/projects/${encodeURIComponent(p.azure.projectName)}/openai/v1` };
    }
    return { apiVersion, basePath: "/openai/v1" };
  }
  return undefined;
}

/** pathPrefix: OpenAI- and Anthropic-format providers behind an explicit host, never with path. */
function pathPrefixProblem(p: NamedProvider["provider"], kind: string, path: string): Problem | undefined {
  if (p.pathPrefix === undefined) return undefined;
  const bad = (why: string): Problem => ({
    reason: Reason.InvalidConfig,
    message: `${path}.pathPrefix: ${why}`,
  });
  if (p.path !== undefined) return bad("path and pathPrefix are mutually exclusive");
  if (p.host === undefined) return bad("requires host to be set");
  if (kind !== "openai" && kind !== "anthropic")
    return bad(`not supported for ${kind} (openai and anthropic only)`);
  return undefined;
}

function providerConfig(
  np: NamedProvider,
  auth: AuthSource,
  ctx: BackendContext,
  b: AgentgatewayBackend,
): ProviderConfig | Problem {
  const p = np.provider;
  const backendPolicies = b.spec.policies;
  const ai = backendAiConfig(
    backendPolicies?.ai,
    np.ai,
    np.ai ? `${np.path}.policies.ai` : "spec.policies.ai",
  );
  if (ai !== undefined && "reason" in ai) return ai;
  const health = healthConfig(
    np.health ?? backendPolicies?.health,
    np.health ? `${np.path}.policies.health` : "spec.policies.health",
  );
  if (health !== undefined && "reason" in health) return health;
  const kind = providerKind(p, np.path);
  if (typeof kind !== "string") return kind;
  if (auth.mode === "gcpServiceAccount" && kind !== "vertexai") {
    return {
      reason: Reason.InvalidConfig,
      message: `${np.path}: policies.auth.gcp is for vertexai providers only (this one is ${kind})`,
    };
  }
  if (auth.mode === "awsSigV4" && kind !== "bedrock") {
    return {
      reason: Reason.InvalidConfig,
      message: `${np.path}: policies.auth.aws is for bedrock providers only (this one is ${kind})`,
    };
  }
  if (auth.mode === "azureClientSecret" && kind !== "azureopenai" && kind !== "azure") {
    return {
      reason: Reason.InvalidConfig,
      message: `${np.path}: policies.auth.azure is for azureopenai and azure providers only (this one is ${kind})`,
    };
  }
  const prefixProblem = pathPrefixProblem(p, kind, np.path);
  if (prefixProblem) return prefixProblem;
  const azure = azureConfig(p, np.path);
  if (azure !== undefined && "reason" in azure) return azure;
  const tlsPolicy = (np.tls ?? b.spec.policies?.tls) !== undefined;
  const custom = kind === "custom" ? customProvider(p, np.path, namespaceOf(b.metadata)) : undefined;
  if (custom !== undefined && "reason" in custom) return custom;
  // a custom provider goes to its Service (TLS only with policies.tls, as for a host override), or
  // to its own host and port: never the dev override
  const endpoint = custom?.endpoint
    ? { ...custom.endpoint, tls: custom.endpoint.tls || tlsPolicy }
    : kind === "custom"
      ? providerEndpoint(p, kind, np.path, undefined, tlsPolicy)
      : endpointFor(np, kind, ctx, tlsPolicy);
  if ("reason" in endpoint) return endpoint;
  // refs are checked even where the dev providerOverride makes the endpoint plain HTTP
  const resolvedTls = upstreamTlsFor(np, b, ctx);
  if (resolvedTls !== undefined && "reason" in resolvedTls) return resolvedTls;
  const upstreamTls = endpoint.tls ? resolvedTls : undefined;
  const model =
    p.openai?.model ??
    p.anthropic?.model ??
    p.gemini?.model ??
    p.azure?.model ??
    p.vertexai?.model ??
    p.bedrock?.model ??
    p.custom?.model;
  return {
    name: np.name,
    // the azure provider speaks Azure OpenAI's API: the proxy needs only that
    kind: kind === "azure" ? "azureopenai" : kind === "custom" ? (custom?.kind ?? "openai") : kind,
    ...(model !== undefined ? { model } : {}),
    host: endpoint.host,
    port: endpoint.port,
    tls: endpoint.tls,
    ...(upstreamTls !== undefined ? { upstreamTls } : {}),
    ...(p.path !== undefined ? { path: p.path } : {}),
    ...(p.pathPrefix !== undefined ? { pathPrefix: p.pathPrefix } : {}),
    ...(ai !== undefined ? { ai } : {}),
    ...(azure !== undefined ? { azure } : {}),
    ...(p.gemini ? { gemini: { apiVersion: p.gemini.apiVersion ?? GEMINI_DEFAULT_API_VERSION } } : {}),
    ...(p.vertexai
      ? { vertex: { projectId: p.vertexai.projectId, region: p.vertexai.region ?? VERTEX_DEFAULT_REGION } }
      : {}),
    ...(p.bedrock
      ? {
          bedrock: {
            region: p.bedrock.region ?? BEDROCK_DEFAULT_REGION,
            ...(p.bedrock.guardrail
              ? {
                  guardrail: {
                    identifier: p.bedrock.guardrail.identifier,
                    version: p.bedrock.guardrail.version,
                  },
                }
              : {}),
          },
        }
      : {}),
    auth: upstreamAuth(auth, kind, {
      ...(ctx.override && !("reason" in ctx.override) ? { override: ctx.override } : {}),
      azureScope: p.azure?.resourceType === "Foundry" ? FOUNDRY_SCOPE : COGNITIVE_SERVICES_SCOPE,
    }),
    ...(health !== undefined ? { health } : {}),
    ...(custom !== undefined ? { custom: { formats: custom.formats } } : {}),
    ...(auth.extra ? { credentials: auth.extra } : {}),
  };
}

interface BuiltGroups {
  groups: ProviderConfig[][];
  credentials: string[];
}

/** A group provider's own policies.auth replaces the backend's (field-level merge, as upstream). */
function providerAuth(
  np: NamedProvider,
  backendAuth: AuthSource,
  b: AgentgatewayBackend,
  ctx: BackendContext,
): AuthSource | Problem {
  if (np.auth === undefined) return backendAuth;
  return resolveAuth(np.auth, `${np.path}.policies.auth`, b, ctx);
}

function buildGroups(
  b: AgentgatewayBackend,
  groups: NamedProvider[][],
  backendAuth: AuthSource,
  ctx: BackendContext,
): BuiltGroups | Problem {
  const out: ProviderConfig[][] = [];
  const credentials: string[] = [];
  for (const group of groups) {
    const configs: ProviderConfig[] = [];
    for (const np of group) {
      const auth = providerAuth(np, backendAuth, b, ctx);
      if ("reason" in auth) return auth;
      const c = providerConfig(np, auth, ctx, b);
      if ("reason" in c) return c;
      configs.push(c);
      credentials.push(`${np.name}: ${describeAuth(auth)}`);
    }
    out.push(sortBy(configs, (c) => [c.name]));
  }
  return { groups: out, credentials };
}

/** Evaluate one backend: configuration first, then its credential. */
export function evaluateBackend(b: AgentgatewayBackend, ctx: BackendContext): BackendOutcome {
  const ref = refOf(b.metadata);
  const generation = generationOf(b.metadata);
  const named = priorityGroups(b);
  if ("reason" in named) return { ref, generation, problem: named };
  const auth = resolveBackendAuth(b, ctx);
  if ("reason" in auth) return { ref, generation, problem: auth };
  const built = buildGroups(b, named, auth, ctx);
  if ("reason" in built) return { ref, generation, problem: built };
  return {
    ref,
    generation,
    config: { ref: keyOf(ref), namespace: ref.namespace, name: ref.name, groups: built.groups },
    credentials: built.credentials,
  };
}

/** An invalid (schema-failing) backend as an outcome. */
export function invalidBackend(ref: NamespacedName, generation: number, problem: Problem): BackendOutcome {
  return { ref, generation, problem };
}

/** "backend is valid; credential: Secret ns/s key "apiKey"" (one line per distinct provider credential). */
function acceptedMessage(credentials: readonly string[]): string {
  const described = credentials.map((c) => c.slice(c.indexOf(": ") + 2));
  if (described.length > 0 && described.every((d) => d === described[0])) {
    return `backend is valid; credential: ${described[0]}`;
  }
  return `backend is valid; credentials: ${credentials.join("; ")}`;
}

export function backendConditions(o: BackendOutcome): Condition[] {
  if (o.problem) {
    return [
      failed(ConditionType.Accepted, o.problem, o.generation),
      failed(ConditionType.ResolvedRefs, o.problem, o.generation),
    ];
  }
  return [
    condition(
      ConditionType.Accepted,
      true,
      Reason.Accepted,
      acceptedMessage(o.credentials ?? []),
      o.generation,
    ),
    condition(ConditionType.ResolvedRefs, true, Reason.ResolvedRefs, "all references resolved", o.generation),
  ];
}
