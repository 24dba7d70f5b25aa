// Backend credentials (policies.auth): inline key, Secret reference, passthrough, a Google
// service-account key (gcp), AWS access keys (aws), or none; then per provider the header and prefix they travel in.
// Problems name Secrets and keys, never values.

import type { UpstreamAuth } from "../../../gateway/src/snapshot/schema.ts";
import type { AgentgatewayBackend, AuthPolicy, ProviderKind } from "../api/agentgateway-backend.ts";
import { AGENTGATEWAY_GROUP, type ReferenceGrant, type Secret } from "../api/gateway-api.ts";
import { parseServiceAccountKey } from "./gcp-key.ts";
import { keyOf, type NamespacedName, namespaceOf } from "./object-ref.ts";
import { PROVIDER_DEFAULTS } from "./providers.ts";
import { type Problem, Reason } from "./reasons.ts";
import { CORE_GROUP, refPermitted } from "./reference-grants.ts";
import { findSecret, headerSafe, normalizeCredential, secretKeys, secretValue } from "./secret-data.ts";
import { resolveSecretKey } from "./secret-key.ts";

/** The credential of a backend before it is fitted to each provider's header. */
export type AuthSource =
  | { mode: "inject"; credential: string; source: string; header?: string; prefix?: string }
  | { mode: "passthrough"; header?: string }
  /** policies.auth.gcp: the service-account key as normalized JSON. */
  | { mode: "gcpServiceAccount"; credential: string; source: string }
  /** policies.auth.aws: the access key credentials as JSON (AwsCredentials). */
  | { mode: "awsSigV4"; credential: string; source: string }
  | { mode: "none" };

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

const AUTH_MODES = ["key", "secretRef", "passthrough", "gcp", "aws"] as const;
/** The Secret entries policies.auth.aws reads (as upstream agentgateway). */
export const AWS_SECRET_KEYS = {
  accessKey: "accessKey",
  secretKey: "secretKey",
  sessionToken: "sessionToken",
} as const;
/** The Secret entry policies.auth.gcp reads when it names none (as upstream agentgateway). */
export const GCP_DEFAULT_SECRET_KEY = "credentials.json";

function exactlyOneMode(auth: AuthPolicy, path: string): Problem | undefined {
  const set = AUTH_MODES.filter((m) => auth[m] !== undefined);
  if (set.length === 1) return undefined;
  return {
    reason: Reason.InvalidConfig,
    message: `${path}: exactly one of ${AUTH_MODES.join(", ")} must be set (found ${set.length === 0 ? "none" : set.join(", ")})`,
  };
}

/** RFC 9110 token characters: what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Headers the proxy itself owns: a credential there would break or hijack the request. */
const RESERVED_HEADERS = new Set([
  "host",
  "content-length",
  "transfer-encoding",
  "connection",
  "upgrade",
  "te",
  "trailer",
  "keep-alive",
  "proxy-connection",
]);

/** A header override that can never work is refused now, not with a 500 on every request. */
function headerOverrideProblem(auth: AuthPolicy, path: string): Problem | undefined {
  const name = auth.header?.name;
  if (name !== undefined) {
    if (!HEADER_NAME.test(name)) {
      return {
        reason: Reason.InvalidConfig,
        message: `${path}.header.name: "${name}" is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_\`|~ only; no spaces or ':')`,
      };
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      return {
        reason: Reason.InvalidConfig,
        message: `${path}.header.name: "${name}" is set by the proxy itself and cannot carry a credential`,
      };
    }
  }
  const prefix = auth.header?.prefix;
  if (prefix !== undefined && !headerSafe(prefix)) {
    return {
      reason: Reason.InvalidConfig,
      message: `${path}.header.prefix: contains characters not allowed in an HTTP header (CR, LF or another control character)`,
    };
  }
  return undefined;
}

function inlineKey(key: string, auth: AuthPolicy, path: string): AuthSource | Problem {
  const credential = normalizeCredential(key);
  if (credential === "" || !headerSafe(credential)) {
    return {
      reason: Reason.InvalidConfig,
      message: `${path}.key: empty or contains characters not allowed in an HTTP header`,
    };
  }
  return {
    mode: "inject",
    credential,
    source: "inline",
    header: auth.header?.name,
    prefix: auth.header?.prefix,
  };
}

function secretRefKey(
  backend: AgentgatewayBackend,
  ref: NonNullable<AuthPolicy["secretRef"]>,
  auth: AuthPolicy,
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
  return {
    mode: "inject",
    credential: resolved.credential,
    source: `secret:${keyOf(target)}#${resolved.key}`,
    header: auth.header?.name,
    prefix: auth.header?.prefix,
  };
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
  const bad = exactlyOneMode(auth, path) ?? headerOverrideProblem(auth, path);
  if (bad) return bad;
  if (auth.key !== undefined) return inlineKey(auth.key, auth, path);
  if (auth.secretRef) return secretRefKey(backend, auth.secretRef, auth, ctx);
  if (auth.gcp) {
    if (auth.header) {
      return {
        reason: Reason.InvalidConfig,
        message: `${path}.header: cannot be combined with gcp (the access token always travels as Authorization: Bearer)`,
      };
    }
    return gcpServiceAccount(backend, auth.gcp, path, ctx);
  }
  if (auth.aws) {
    if (auth.header) {
      return {
        reason: Reason.InvalidConfig,
        message: `${path}.header: cannot be combined with aws (requests are signed: the signature travels in Authorization)`,
      };
    }
    return awsCredentials(backend, auth.aws, path, ctx);
  }
  return { mode: "passthrough", header: auth.header?.name };
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

/** The credential fitted to one provider: its default header/prefix unless overridden. */
export function upstreamAuth(source: AuthSource, kind: ProviderKind): UpstreamAuth {
  const defaults = PROVIDER_DEFAULTS[kind];
  switch (source.mode) {
    case "inject":
      return {
        mode: "inject",
        header: source.header ?? defaults.header,
        prefix: source.prefix ?? defaultPrefix(source.header, kind),
        credential: source.credential,
        source: source.source,
      };
    case "passthrough":
      return { mode: "passthrough", header: source.header ?? defaults.header };
    case "gcpServiceAccount":
      return { mode: "gcpServiceAccount", credential: source.credential, source: source.source };
    case "awsSigV4":
      return { mode: "awsSigV4", credential: source.credential, source: source.source };
    case "none":
      return { mode: "none" };
  }
}
