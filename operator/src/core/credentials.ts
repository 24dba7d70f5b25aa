// Backend credentials (policies.auth): inline key, Secret reference, passthrough, a Google
// service-account key (gcp), AWS access keys (aws), an Entra ID app registration (azure), or none;
// where they travel (location, or our older header override); and additional credentials.
// Problems name Secrets and keys, never values.

import type { InjectedCredential, UpstreamAuth } from "../../../gateway/src/snapshot/schema.ts";
import type { AgentgatewayBackend, AuthPolicy, ProviderKind } from "../api/agentgateway-backend.ts";
import { AGENTGATEWAY_GROUP, type ReferenceGrant, type Secret } from "../api/gateway-api.ts";
import {
  authPlacement,
  credentialPlacementProblem,
  locationPlacement,
  type Placement,
} from "./auth-location.ts";
import { azureTokenUrl, COGNITIVE_SERVICES_SCOPE, resolveAzureAuth } from "./azure-credentials.ts";
import { parseServiceAccountKey } from "./gcp-key.ts";
import { keyOf, type NamespacedName, namespaceOf } from "./object-ref.ts";
import type { Endpoint } from "./provider-override.ts";
import { PROVIDER_DEFAULTS } from "./providers.ts";
import { type Problem, Reason } from "./reasons.ts";
import { CORE_GROUP, refPermitted } from "./reference-grants.ts";
import { findSecret, headerSafe, normalizeCredential, secretKeys, secretValue } from "./secret-data.ts";
import { resolveSecretKey } from "./secret-key.ts";

/** The credential of a backend before it is fitted to each provider's header. */
export type AuthSource = (
  | ({ mode: "inject"; credential: string; source: string } & Placement)
  | ({ mode: "passthrough" } & Placement)
  /** policies.auth.gcp: the service-account key as normalized JSON. */
  | { mode: "gcpServiceAccount"; credential: string; source: string }
  /** policies.auth.aws: the access key credentials as JSON (AwsCredentials). */
  | { mode: "awsSigV4"; credential: string; source: string }
  /** policies.auth.azure: the app registration as JSON (AzureClientCredentials). */
  | { mode: "azureClientSecret"; credential: string; source: string; tenantId: string }
  | { mode: "none" }
) & {
  /** policies.auth.credentials, resolved. */
  extra?: InjectedCredential[];
};

/** What travels in the snapshot (as JSON) for an awsSigV4 credential. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface CredentialContext {
  secrets: readonly Secret[];
  referenceGrants: readonly ReferenceGrant[];
}

const AUTH_MODES = ["key", "secretRef", "passthrough", "gcp", "aws", "azure"] as const;
/** The Secret entries policies.auth.aws reads (as upstream agentgateway). */
export const AWS_SECRET_KEYS = {
  accessKey: "accessKey",
  secretKey: "secretKey",
  sessionToken: "sessionToken",
} as const;
/** The Secret entry policies.auth.gcp reads when it names none (as upstream agentgateway). */
export const GCP_DEFAULT_SECRET_KEY = "credentials.json";

/** At most one primary mode, and one of them or additional credentials. */
function exactlyOneMode(auth: AuthPolicy, path: string): Problem | undefined {
  const set = AUTH_MODES.filter((m) => auth[m] !== undefined);
  if (set.length === 1 || (set.length === 0 && auth.credentials !== undefined)) return undefined;
  return {
    reason: Reason.InvalidConfig,
    message: `${path}: set credentials, or exactly one of ${AUTH_MODES.join(", ")} (found ${set.length === 0 ? "none" : set.join(", ")})`,
  };
}

/** location (and our older header) are for key, secretRef and passthrough only (upstream's rule). */
function placementMisused(auth: AuthPolicy, path: string): Problem | undefined {
  if (auth.location === undefined && auth.header === undefined) return undefined;
  const field = auth.location !== undefined ? "location" : "header";
  const mode = auth.gcp ? "gcp" : auth.aws ? "aws" : auth.azure ? "azure" : undefined;
  if (mode === undefined) {
    if (auth.key !== undefined || auth.secretRef !== undefined || auth.passthrough !== undefined)
      return undefined;
    return {
      reason: Reason.InvalidConfig,
      message: `${path}.${field}: may only be set with key, secretRef or passthrough (each additional credential has its own location)`,
    };
  }
  const why =
    mode === "aws"
      ? "requests are signed: the signature travels in Authorization"
      : "the access token always travels as Authorization: Bearer";
  return {
    reason: Reason.InvalidConfig,
    message: `${path}.${field}: cannot be combined with ${mode} (${why})`,
  };
}

function inlineKey(key: string, placement: Placement, path: string): AuthSource | Problem {
  const credential = normalizeCredential(key);
  if (credential === "" || !headerSafe(credential)) {
    return {
      reason: Reason.InvalidConfig,
      message: `${path}.key: empty or contains characters not allowed in an HTTP header`,
    };
  }
  const bad = credentialPlacementProblem(credential, placement, `${path}.key`);
  if (bad) return { ...bad, reason: Reason.InvalidConfig };
  return { mode: "inject", credential, source: "inline", ...placement };
}

function secretRefKey(
  backend: AgentgatewayBackend,
  ref: NonNullable<AuthPolicy["secretRef"]>,
  placement: Placement,
  ctx: CredentialContext,
): AuthSource | Problem {
  const from = namespaceOf(backend.metadata);
  const target: NamespacedName = { namespace: ref.namespace ?? from, name: ref.name };
  const allowed = refPermitted(
    ctx.referenceGrants,
    { group: AGENTGATEWAY_GROUP, kind: "AgentgatewayBackend", namespace: from },
    { group: CORE_GROUP, kind: "Secret", ...target },
  );
  if (!allowed) {
    return {
      reason: Reason.RefNotPermitted,
      message: `Secret ${keyOf(target)} is in another namespace and no ReferenceGrant there allows AgentgatewayBackends from namespace ${from}`,
    };
  }
  const secret = findSecret(ctx.secrets, target);
  if (!secret) return { reason: Reason.SecretNotFound, message: `Secret ${keyOf(target)} not found` };
  const resolved = resolveSecretKey(secret, target, ref.key);
  if ("reason" in resolved) return resolved;
  const bad = credentialPlacementProblem(
    resolved.credential,
    placement,
    `key "${resolved.key}" of Secret ${keyOf(target)}`,
  );
  if (bad) return bad;
  return {
    mode: "inject",
    credential: resolved.credential,
    source: `secret:${keyOf(target)}#${resolved.key}`,
    ...placement,
  };
}

/** policies.auth.credentials: each a Secret entry of the backend's namespace, sent at its location. */
function additionalCredentials(
  backend: AgentgatewayBackend,
  entries: NonNullable<AuthPolicy["credentials"]>,
  path: string,
  ctx: CredentialContext,
): InjectedCredential[] | Problem {
  const out: InjectedCredential[] = [];
  for (const [i, entry] of entries.entries()) {
    const at = `${path}.credentials[${i}]`;
    const placement = locationPlacement(entry.location, `${at}.location`);
    if ("reason" in placement) return placement;
    const target: NamespacedName = { namespace: namespaceOf(backend.metadata), name: entry.secretRef.name };
    const secret = findSecret(ctx.secrets, target);
    if (!secret) return { reason: Reason.SecretNotFound, message: `Secret ${keyOf(target)} not found` };
    const resolved = resolveSecretKey(secret, target, entry.secretRef.key ?? "Authorization");
    if ("reason" in resolved) return { ...resolved, message: `${at}.secretRef: ${resolved.message}` };
    const bad = credentialPlacementProblem(
      resolved.credential,
      placement,
      `key "${resolved.key}" of Secret ${keyOf(target)}`,
    );
    if (bad) return bad;
    out.push({
      header: placement.header ?? "",
      prefix: placement.prefix ?? "",
      ...(placement.location ? { location: placement.location } : {}),
      credential: resolved.credential,
      source: `secret:${keyOf(target)}#${resolved.key}`,
    });
  }
  return out;
}

/** policies.auth.gcp: the service-account key JSON in a Secret of the backend's namespace. */
function gcpServiceAccount(
  backend: AgentgatewayBackend,
  gcp: NonNullable<AuthPolicy["gcp"]>,
  path: string,
  ctx: CredentialContext,
): AuthSource | Problem {
  const target: NamespacedName = { namespace: namespaceOf(backend.metadata), name: gcp.secretRef.name };
  const secret = findSecret(ctx.secrets, target);
  if (!secret) return { reason: Reason.SecretNotFound, message: `Secret ${keyOf(target)} not found` };
  const keys = secretKeys(secret);
  const entry =
    gcp.secretRef.key ??
    (keys.includes(GCP_DEFAULT_SECRET_KEY)
      ? GCP_DEFAULT_SECRET_KEY
      : keys.length === 1
        ? keys[0]
        : undefined);
  const raw = entry === undefined ? undefined : secretValue(secret, entry);
  if (entry === undefined || raw === undefined) {
    return {
      reason: Reason.SecretKeyNotFound,
      message: `${path}.gcp.secretRef: Secret ${keyOf(target)} has no key "${entry ?? GCP_DEFAULT_SECRET_KEY}" (${keys.length === 0 ? "the Secret has no keys" : `keys found: ${keys.join(", ")}`})`,
    };
  }
  if ("reason" in raw) return raw;
  const key = parseServiceAccountKey(raw.value, target, entry);
  if ("reason" in key) return key;
  return {
    mode: "gcpServiceAccount",
    credential: JSON.stringify(key),
    source: `secret:${keyOf(target)}#${entry}`,
  };
}

/** policies.auth.aws: accessKey, secretKey and optional sessionToken in a Secret of the backend's namespace. */
function awsCredentials(
  backend: AgentgatewayBackend,
  aws: NonNullable<AuthPolicy["aws"]>,
  path: string,
  ctx: CredentialContext,
): AuthSource | Problem {
  const target: NamespacedName = { namespace: namespaceOf(backend.metadata), name: aws.secretRef.name };
  const secret = findSecret(ctx.secrets, target);
  if (!secret) return { reason: Reason.SecretNotFound, message: `Secret ${keyOf(target)} not found` };
  const keys = secretKeys(secret);
  const read = (entry: string, required: boolean): string | undefined | Problem => {
    const raw = secretValue(secret, entry);
    if (raw === undefined) {
      if (!required) return undefined;
      return {
        reason: Reason.SecretKeyNotFound,
        message: `${path}.aws.secretRef: Secret ${keyOf(target)} has no key "${entry}" (${keys.length === 0 ? "the Secret has no keys" : `keys found: ${keys.join(", ")}`})`,
      };
    }
    if ("reason" in raw) return raw;
    const value = raw.value.trim();
    if (value === "" || !headerSafe(value)) {
      return {
        reason: Reason.InvalidSecret,
        message: `${path}.aws.secretRef: key "${entry}" of Secret ${keyOf(target)} is empty or holds characters a credential cannot have`,
      };
    }
    return value;
  };
  const accessKeyId = read(AWS_SECRET_KEYS.accessKey, true);
  if (typeof accessKeyId === "object") return accessKeyId;
  const secretAccessKey = read(AWS_SECRET_KEYS.secretKey, true);
  if (typeof secretAccessKey === "object") return secretAccessKey;
  const sessionToken = read(AWS_SECRET_KEYS.sessionToken, false);
  if (typeof sessionToken === "object") return sessionToken;
  const creds: AwsCredentials = {
    accessKeyId: accessKeyId as string,
    secretAccessKey: secretAccessKey as string,
    ...(sessionToken !== undefined ? { sessionToken } : {}),
  };
  return { mode: "awsSigV4", credential: JSON.stringify(creds), source: `secret:${keyOf(target)}` };
}

/**
 * Resolve one policies.auth (the backend's, or a group provider's own) found at `path`.
 * No auth at all is valid: requests go out without a provider credential.
 */
export function resolveAuth(
  auth: AuthPolicy | undefined,
  path: string,
  backend: AgentgatewayBackend,
  ctx: CredentialContext,
): AuthSource | Problem {
  if (!auth) return { mode: "none" };
  const bad = exactlyOneMode(auth, path) ?? placementMisused(auth, path);
  if (bad) return bad;
  const placement = authPlacement(auth, path);
  if ("reason" in placement) return placement;
  const extra = auth.credentials ? additionalCredentials(backend, auth.credentials, path, ctx) : undefined;
  if (extra !== undefined && "reason" in extra) return extra;
  const primary = primaryAuth(auth, placement, path, backend, ctx);
  if ("reason" in primary) return primary;
  return extra !== undefined ? { ...primary, extra } : primary;
}

function primaryAuth(
  auth: AuthPolicy,
  placement: Placement,
  path: string,
  backend: AgentgatewayBackend,
  ctx: CredentialContext,
): AuthSource | Problem {
  if (auth.key !== undefined) return inlineKey(auth.key, placement, path);
  if (auth.secretRef) return secretRefKey(backend, auth.secretRef, placement, ctx);
  if (auth.gcp) return gcpServiceAccount(backend, auth.gcp, path, ctx);
  if (auth.aws) return awsCredentials(backend, auth.aws, path, ctx);
  if (auth.azure) {
    const azure = resolveAzureAuth(backend, auth.azure, path, ctx.secrets);
    if ("reason" in azure) return azure;
    return { mode: "azureClientSecret", ...azure };
  }
  if (auth.passthrough) return { mode: "passthrough", ...placement };
  return { mode: "none" };
}

/** Resolve a backend's own spec.policies.auth. */
export function resolveBackendAuth(
  backend: AgentgatewayBackend,
  ctx: CredentialContext,
): AuthSource | Problem {
  return resolveAuth(backend.spec.policies?.auth, "spec.policies.auth", backend, ctx);
}

/** How a credential is described in a condition message: where it came from, never its value. */
export function describeAuth(source: AuthSource): string {
  const primary = describePrimary(source);
  const n = source.extra?.length ?? 0;
  if (n === 0) return primary;
  const extra = `${n} additional credential${n === 1 ? "" : "s"} (${(source.extra ?? []).map((c) => c.source.replace(/^secret:/, "Secret ").replace("#", ' key "')).join('", ')}")`;
  return source.mode === "none" ? extra : `${primary} + ${extra}`;
}

function describePrimary(source: AuthSource): string {
  switch (source.mode) {
    case "inject":
      if (source.source === "inline") return "inline key (policies.auth.key)";
      return `Secret ${source.source.replace(/^secret:/, "").replace("#", ' key "')}"`;
    case "passthrough":
      return "the client's own credential (passthrough)";
    case "gcpServiceAccount":
      return `Google service-account key in Secret ${source.source.replace(/^secret:/, "").replace("#", ' key "')}" (access tokens made by the proxy)`;
    case "awsSigV4":
      return `AWS access key in Secret ${source.source.replace(/^secret:/, "")} (requests signed with SigV4 by the proxy)`;
    case "azureClientSecret":
      return `Azure app registration in Secret ${source.source.replace(/^secret:/, "")} (Entra ID access tokens made by the proxy)`;
    case "none":
      return "none (policies.auth is not set: requests go to the provider without a credential)";
  }
}

/**
 * The prefix when only the header name is overridden: the provider's prefix belongs to the
 * provider's header ("Bearer " with Authorization), so another header gets no prefix.
 */
function defaultPrefix(header: string | undefined, kind: ProviderKind): string {
  const defaults = PROVIDER_DEFAULTS[kind];
  if (header === undefined || header.toLowerCase() === defaults.header.toLowerCase()) return defaults.prefix;
  return "";
}

export interface UpstreamAuthOptions {
  /** settings.providerOverride (dev only): where the Entra token endpoint goes too. */
  override?: Endpoint;
  /** Scope of Entra access tokens for this provider. */
  azureScope?: string;
}

/** The credential fitted to one provider: its default header/prefix unless overridden. */
export function upstreamAuth(
  source: AuthSource,
  kind: ProviderKind,
  opts: UpstreamAuthOptions = {},
): UpstreamAuth {
  const defaults = PROVIDER_DEFAULTS[kind];
  switch (source.mode) {
    case "inject":
      return {
        mode: "inject",
        header: source.header ?? defaults.header,
        prefix: source.prefix ?? defaultPrefix(source.header, kind),
        ...(source.location ? { location: source.location } : {}),
        credential: source.credential,
        source: source.source,
      };
    case "passthrough":
      return {
        mode: "passthrough",
        header: source.header ?? defaults.header,
        ...(source.prefix !== undefined && source.prefix !== "" ? { prefix: source.prefix } : {}),
        ...(source.location ? { location: source.location } : {}),
      };
    case "gcpServiceAccount":
      return { mode: "gcpServiceAccount", credential: source.credential, source: source.source };
    case "awsSigV4":
      return { mode: "awsSigV4", credential: source.credential, source: source.source };
    case "azureClientSecret":
      return {
        mode: "azureClientSecret",
        credential: source.credential,
        tokenUrl: azureTokenUrl(source.tenantId, opts.override),
        scope: opts.azureScope ?? COGNITIVE_SERVICES_SCOPE,
        source: source.source,
      };
    case "none":
      return { mode: "none" };
  }
}
