// The snapshot contract between the operator (producer) and the proxy (consumer).
//
// A snapshot is the complete, self-contained configuration of ONE Gateway: its listeners, the
// routes attached to them, the backends those routes use with their resolved credentials, and
// the gateway keys clients must present. It mirrors the user's API (a route names its listeners,
// a backend ref names its backend) so a reviewer can map every field back to a manifest.
//
// The translator (operator/src/core) produces GatewayConfig: pure, sorted, deterministic. The
// snapshot stream stamps it with a version and a hash (Snapshot). The proxy validates every
// snapshot with this schema and rejects (keeping the last good one) what does not parse or has
// another schemaVersion.
//
// Secrets: `auth.credential`, `upstreamTls.privateKey` and `clientAuth.keys[].sha256` are the only
// secret-derived fields.
// They travel only on the authenticated stream and are redacted from every dump and log.
import { z } from "zod";

export const SNAPSHOT_SCHEMA_VERSION = 1 as const;

export const ListenerConfig = z.strictObject({
  name: z.string(),
  /** The port in the Gateway spec. The proxy maps it to a local port (see --port-map). */
  port: z.number().int().min(1).max(65535),
  protocol: z.literal("HTTP"),
  /** Listener hostname; absent matches any host. May start with "*." */
  hostname: z.string().optional(),
});
export type ListenerConfig = z.infer<typeof ListenerConfig>;

export const ProviderKind = z.enum(["openai", "azureopenai", "gemini", "anthropic", "vertexai", "bedrock"]);
export type ProviderKind = z.infer<typeof ProviderKind>;

/** A credential that travels in a query parameter or a cookie instead of a header (policies.auth.location). */
export const CredentialLocation = z.discriminatedUnion("in", [
  /** Set on the upstream URL (replacing a client value); never logged. */
  z.strictObject({ in: z.literal("queryParameter"), name: z.string().min(1) }),
  /** One cookie of the upstream Cookie header (replacing a client cookie of that name). */
  z.strictObject({ in: z.literal("cookie"), name: z.string().min(1) }),
]);
export type CredentialLocation = z.infer<typeof CredentialLocation>;

/** A credential the gateway injects: in `header` (prefix + credential), or at `location` (then header and prefix are ""). */
export const InjectedCredential = z.strictObject({
  header: z.string(),
  prefix: z.string(),
  location: CredentialLocation.optional(),
  credential: z.string().min(1),
  /** Where the credential came from, for the redacted dump: "inline" or "secret:<ns>/<name>#<key>". */
  source: z.string(),
});
export type InjectedCredential = z.infer<typeof InjectedCredential>;

export const UpstreamAuth = z.discriminatedUnion("mode", [
  /** A credential the gateway injects (inline key or Secret value, already without "Bearer "). */
  InjectedCredential.extend({ mode: z.literal("inject") }),
  /** Forward the client's credential: read from `header` (or `location`), written there upstream.
   * `prefix`, when set, is stripped from the client's header value and written before it upstream. */
  z.strictObject({
    mode: z.literal("passthrough"),
    header: z.string(),
    prefix: z.string().optional(),
    location: CredentialLocation.optional(),
  }),
  /** A Google service-account key (JSON, in `credential`): the proxy makes OAuth2 access tokens from it
   * (JWT bearer grant at the key's token_uri) and sends them as `Authorization: Bearer <token>`. */
  z.strictObject({
    mode: z.literal("gcpServiceAccount"),
    credential: z.string().min(1),
    /** "secret:<ns>/<name>#<key>", for the redacted dump. */
    source: z.string(),
  }),
  /** AWS access key credentials (JSON {accessKeyId, secretAccessKey, sessionToken?} in `credential`):
   * the proxy signs every request with Signature Version 4 (service bedrock) after the body is final. */
  z.strictObject({
    mode: z.literal("awsSigV4"),
    credential: z.string().min(1),
    /** "secret:<ns>/<name>", for the redacted dump. */
    source: z.string(),
  }),
  /** An Entra ID app registration (JSON {tenantId, clientId, clientSecret} in `credential`): the proxy
   * gets access tokens at `tokenUrl` (client-credentials grant, `scope`), caches them and sends
   * `Authorization: Bearer <token>`. tokenUrl is set by the operator (login.microsoftonline.com,
   * or the dev-only provider override), never by a manifest. */
  z.strictObject({
    mode: z.literal("azureClientSecret"),
    credential: z.string().min(1),
    tokenUrl: z.url(),
    scope: z.string().min(1),
    /** "secret:<ns>/<name>", for the redacted dump. */
    source: z.string(),
  }),
  /** No credential (e.g. a local OpenAI-compatible server without auth). */
  z.strictObject({ mode: z.literal("none") }),
]);
export type UpstreamAuth = z.infer<typeof UpstreamAuth>;

/** How the proxy originates TLS to a provider (AgentgatewayBackend policies.tls, refs resolved).
 * Absent: the system's trusted CAs, the host as SNI and SAN. `privateKey` is secret (redacted). */
export const UpstreamTls = z.strictObject({
  /** PEM bundle that replaces the system's trusted CAs. */
  ca: z.string().min(1).optional(),
  /** mTLS: the client certificate chain (PEM) and its private key (PEM). */
  cert: z.string().min(1).optional(),
  privateKey: z.string().min(1).optional(),
  sni: z.string().min(1).optional(),
  /** The server certificate must carry one of these SANs (instead of the host). */
  verifySubjectAltNames: z.array(z.string().min(1)).min(1).optional(),
  /** All: no verification; Hostname: chain verified, hostname/SAN not. */
  insecureSkipVerify: z.enum(["All", "Hostname"]).optional(),
  alpnProtocols: z.array(z.string().min(1)).min(1).optional(),
  /** Upstream's names (X25519, P-256, P-384, X25519_MLKEM768), in order of preference. */
  keyExchangeGroups: z
    .array(z.enum(["X25519", "P-256", "P-384", "X25519_MLKEM768"]))
    .min(1)
    .optional(),
});
export type UpstreamTls = z.infer<typeof UpstreamTls>;

export const ProviderConfig = z.strictObject({
  /** Name within its priority group ("default" for a single-provider backend). */
  name: z.string(),
  kind: ProviderKind,
  /** When set, overrides/fills the request body's model (openai, azureopenai, anthropic) or the path (gemini). */
  model: z.string().optional(),
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  tls: z.boolean(),
  /** TLS settings when `tls` is true and policies.tls sets more than the defaults. */
  upstreamTls: UpstreamTls.optional(),
  /** Full upstream path override: every request to this provider goes to this path. */
  path: z.string().optional(),
  /**
   * Changes made to every request to this provider (AgentgatewayBackend policies.ai, the provider's
   * own merged field by field over the backend's). Roles are normalized to system/user/assistant.
   */
  ai: z
    .strictObject({
      prepend: z
        .array(z.strictObject({ role: z.enum(["system", "user", "assistant"]), content: z.string() }))
        .optional(),
      append: z
        .array(z.strictObject({ role: z.enum(["system", "user", "assistant"]), content: z.string() }))
        .optional(),
      defaults: z.array(z.strictObject({ field: z.string(), value: z.unknown() })).optional(),
      overrides: z.array(z.strictObject({ field: z.string(), value: z.unknown() })).optional(),
      modelAliases: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
  /** Replaces the API's leading /v1 in every upstream path (openai and anthropic only). */
  pathPrefix: z.string().startsWith("/").optional(),
  /**
   * azureopenai only. apiVersion "v1": `${basePath}/chat/completions` (default basePath /openai/v1),
   * model in the body; a dated version: /openai/deployments/{deploymentName}/...?api-version=.
   */
  azure: z
    .strictObject({
      apiVersion: z.string(),
      deploymentName: z.string().optional(),
      basePath: z.string().startsWith("/").optional(),
    })
    .optional(),
  /** gemini only. */
  gemini: z.strictObject({ apiVersion: z.string() }).optional(),
  /** vertexai only: the project and location in every request path. */
  vertex: z.strictObject({ projectId: z.string(), region: z.string() }).optional(),
  /** bedrock only: the signing region and the guardrail applied to every request. */
  bedrock: z
    .strictObject({
      region: z.string(),
      guardrail: z.strictObject({ identifier: z.string(), version: z.string() }).optional(),
    })
    .optional(),
  auth: UpstreamAuth,
  /** AgentgatewayBackend policies.health (the provider's own, else the backend's): passive outlier
   * ejection in the proxy (gateway/src/health). Absent: the provider is never ejected. */
  health: z
    .strictObject({
      /** The subset of CEL in gateway/src/health/condition.ts; absent: a 5xx or no response. */
      unhealthyCondition: z.string().min(1).max(1024).optional(),
      eviction: z
        .strictObject({
          durationMs: z.number().int().min(1000),
          /** 0..1 */
          restoreHealth: z.number().min(0).max(1).optional(),
          consecutiveFailures: z.number().int().min(0).optional(),
          /** 0..1 */
          healthThreshold: z.number().min(0).max(1).optional(),
        })
        .optional(),
    })
    .optional(),
  /**
   * A custom provider (spec.ai.provider.custom): the API formats it speaks, each with an optional
   * path. `kind` is then openai (when it speaks an OpenAI format) or anthropic; a request in a listed
   * format goes there unchanged, another is translated to a listed format when it can be, else 404.
   */
  custom: z
    .strictObject({
      formats: z
        .array(
          z.strictObject({
            type: z.enum(["Completions", "Responses", "Embeddings", "Messages", "AnthropicTokenCount"]),
            path: z.string().startsWith("/").optional(),
          }),
        )
        .min(1),
    })
    .optional(),
  /** Additional credentials (policies.auth.credentials), injected after `auth`. */
  credentials: z.array(InjectedCredential).optional(),
});
export type ProviderConfig = z.infer<typeof ProviderConfig>;

export const BackendConfig = z.strictObject({
  /** "<namespace>/<name>" of the AgentgatewayBackend. */
  ref: z.string(),
  namespace: z.string(),
  name: z.string(),
  /** Priority groups, highest first; providers within a group are load balanced. */
  groups: z.array(z.array(ProviderConfig).min(1)).min(1),
});
export type BackendConfig = z.infer<typeof BackendConfig>;

export const RouteMatch = z.strictObject({
  path: z.strictObject({ type: z.enum(["PathPrefix", "Exact"]), value: z.string() }).optional(),
  headers: z
    .array(
      z.strictObject({ name: z.string(), type: z.enum(["Exact", "RegularExpression"]), value: z.string() }),
    )
    .optional(),
  /** Glob on the JSON body's "model" ('*' = any run of characters). */
  model: z.string().optional(),
});
export type RouteMatch = z.infer<typeof RouteMatch>;

export const ClientKey = z.strictObject({
  /** The Secret entry name: safe to log. */
  id: z.string(),
  /** Hex SHA-256 of the key; the proxy hashes the presented key and compares in constant time. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export const ClientAuth = z.strictObject({
  /** "<namespace>/<name>" of the Secret holding the keys. */
  secretRef: z.string(),
  keys: z.array(ClientKey),
});
export type ClientAuth = z.infer<typeof ClientAuth>;

export const RouteApi = z.strictObject({
  /** OpenAI paths the gateway does not know (/v1/audio/speech, /v1/files, ...) go unchanged to an
   * OpenAI backend instead of 404. */
  passthroughUnknownPaths: z.boolean().optional(),
  /** "Drop": request fields the target API cannot express are removed instead of a 400. */
  unsupportedFields: z.enum(["Reject", "Drop"]).optional(),
});
export type RouteApi = z.infer<typeof RouteApi>;

export const RouteConfig = z.strictObject({
  /** Stable id of the rule: "<Kind>/<namespace>/<name>/<ruleIndex>". Used in metrics labels and logs. */
  id: z.string(),
  kind: z.enum(["AIRoute", "HTTPRoute"]),
  namespace: z.string(),
  name: z.string(),
  rule: z.number().int().min(0),
  /** Index of `match` within the rule's matches (0 when the rule has none). */
  matchIndex: z.number().int().min(0),
  /** Names of the listeners this rule is attached to. */
  listeners: z.array(z.string()).min(1),
  /** Effective hostnames (route ∩ listener); empty means any host. */
  hostnames: z.array(z.string()),
  /** One match of the rule ({} matches every request). A rule with N matches gives N entries,
   * so entries can be sorted by Gateway API precedence match by match. */
  match: RouteMatch,
  /** Resolved backends only. Empty when none resolved: the proxy answers 500 (fail closed). */
  backends: z.array(z.strictObject({ backend: z.string(), weight: z.number().int().min(0) })),
  /** Summed weight of the rule's backendRefs that did not resolve. That share of requests gets a 500
   * (Gateway API: traffic that would have gone to an invalid backend is answered 500); absent: 0. */
  invalidBackendWeight: z.number().int().min(1).optional(),
  /** HTTPRoute URLRewrite path filter. */
  rewrite: z
    .strictObject({ type: z.enum(["ReplaceFullPath", "ReplacePrefixMatch"]), value: z.string() })
    .optional(),
  timeouts: z.strictObject({
    requestMs: z.number().int().positive().optional(),
    backendRequestMs: z.number().int().positive().optional(),
  }),
  retry: z.strictObject({
    attempts: z.number().int().min(0),
    backoffMs: z.number().int().min(0),
    codes: z.array(z.number().int()),
  }),
  /** Gateway keys required on this route (overrides the Gateway's). */
  clientAuth: ClientAuth.optional(),
  /** How the proxy treats API paths and fields it cannot translate (absent: refuse both). */
  api: RouteApi.optional(),
});
export type RouteConfig = z.infer<typeof RouteConfig>;

/** Who a counter belongs to: the client key id, a header's value, the route, or the route's namespace. */
export const LimitKeyConfig = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("ClientKey") }),
  z.strictObject({ type: z.literal("Header"), header: z.string() }),
  z.strictObject({ type: z.literal("Route") }),
  z.strictObject({ type: z.literal("Namespace") }),
]);
export type LimitKeyConfig = z.infer<typeof LimitKeyConfig>;

/** One limit of an AgentgatewayPolicy: a counter with a capacity per fixed UTC window. */
export const LimitConfig = z.strictObject({
  /** "<policy namespace>/<name>/<rateLimit|budget>/<index>": stable, used in counter keys and status. */
  id: z.string(),
  /** rateLimit: 429 rate_limit_exceeded with Retry-After; budget: 429 insufficient_quota, no retry. */
  class: z.enum(["rateLimit", "budget"]),
  /** requests: 1 per request; tokens: tokens of `tokenType`; microdollars: cost from the price table. */
  unit: z.enum(["requests", "tokens", "microdollars"]),
  tokenType: z.enum(["Input", "Output", "Total"]),
  /** Capacity per window, in `unit`. */
  limit: z.number().int().min(0),
  window: z.enum(["Second", "Minute", "Hour", "Day", "Week", "Month"]),
  key: LimitKeyConfig,
});
export type LimitConfig = z.infer<typeof LimitConfig>;

export const PriceConfig = z.strictObject({
  provider: ProviderKind.optional(),
  /** Exact model, or a prefix ending in '*'. */
  model: z.string(),
  /** Microdollars per million tokens (integer: no float drift in counters). */
  inputPerMillionMicros: z.number().int().min(0),
  outputPerMillionMicros: z.number().int().min(0),
});
export type PriceConfig = z.infer<typeof PriceConfig>;

/** An accepted AgentgatewayPolicy as it applies to this Gateway's routes. */
export const PolicyConfig = z.strictObject({
  /** "<namespace>/<name>" of the AgentgatewayPolicy. */
  ref: z.string(),
  /** Ids of the route entries it applies to (resolved from its targetRefs by the translator). */
  routes: z.array(z.string()),
  counters: z.enum(["Local", "Global"]),
  failOpen: z.strictObject({ rateLimits: z.boolean(), budgets: z.boolean() }),
  limits: z.array(LimitConfig),
  /** Policy overrides first; the proxy falls back to its built-in table. */
  prices: z.array(PriceConfig),
});
export type PolicyConfig = z.infer<typeof PolicyConfig>;

/** What the translator produces for one Gateway. Sorted, deterministic, no version. */
export const GatewayConfig = z.strictObject({
  schemaVersion: z.literal(SNAPSHOT_SCHEMA_VERSION),
  gateway: z.strictObject({ namespace: z.string(), name: z.string() }),
  listeners: z.array(ListenerConfig),
  /** Sorted by Gateway API precedence within a hostname (exact path, longest prefix, most header
   * matches, model match, oldest route, namespace/name, rule, match). The proxy first narrows by
   * listener and by the most specific matching hostname, then takes the first entry that matches. */
  routes: z.array(RouteConfig),
  backends: z.array(BackendConfig),
  /** Gateway keys required on every route of this Gateway unless the route has its own. */
  clientAuth: ClientAuth.optional(),
  /** AgentgatewayPolicies attached to this Gateway or its routes/backends; sorted by ref. Absent: none. */
  policies: z.array(PolicyConfig).optional(),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;

/** What travels on the stream: a GatewayConfig stamped with a version and its hash. */
export const Snapshot = GatewayConfig.extend({
  /** Monotonic per Gateway for the life of the operator process. */
  version: z.number().int().min(1),
  /** Hex SHA-256 of the canonical JSON of the GatewayConfig. */
  hash: z.string(),
});
export type Snapshot = z.infer<typeof Snapshot>;
