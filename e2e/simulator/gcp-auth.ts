// Google's OAuth2 token endpoint for service accounts, as strict as the real one (RFC 7523 JWT
// bearer grant, Google's "Using OAuth 2.0 for Server to Server Applications"):
//   POST /token  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>
// The JWT must be RS256, signed by a registered service account's key (iss = its client_email),
// with scope including cloud-platform, aud = this endpoint's URL, iat not in the future, exp after
// now and at most an hour after iat. Answer: {access_token, expires_in, token_type: "Bearer"}; a bad
// request is 400 {error, error_description} (invalid_grant, invalid_request, unsupported_grant_type).
// Issued tokens live `ttlSeconds`; Vertex AI endpoints accept only live tokens of an account of
// the path's project (401 UNAUTHENTICATED otherwise, 403 PERMISSION_DENIED for another project).
import { createPublicKey, type KeyObject, randomBytes, verify } from "node:crypto";
import type { JsonReply } from "./reply.ts";

export const TOKEN_PATH = "/token";
export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const CLOCK_SKEW_S = 60;
export const DEFAULT_GCP_TOKEN_TTL_S = 3600;

export interface GcpServiceAccount {
  clientEmail: string;
  /** SPKI PEM of the account's key pair. */
  publicKeyPem: string;
  /** The project its tokens may call Vertex AI in. */
  projectId: string;
}

interface Account {
  publicKey: KeyObject;
  projectId: string;
}

interface Issued {
  email: string;
  projectId: string;
  expiresAtMs: number;
}

export interface GcpAuthority {
  ttlSeconds: number;
  addAccount(a: GcpServiceAccount): void;
  /** POST /token with its decoded body and the Host header. */
  exchange(body: unknown, host: string | undefined): JsonReply;
  /** The reason a Vertex request for `projectId` is refused (status + message), or undefined. */
  check(
    authorization: string | undefined,
    projectId: string,
  ): { status: 401 | 403; message: string } | undefined;
  /** Tokens issued so far. */
  issued(): number;
  /** Revokes every issued token (as when a key is disabled): Vertex calls with them get 401. */
  revokeAll(): void;
}

function oauthError(error: string, description: string): JsonReply {
  return {
    kind: "json",
    status: 400,
    body: { error, error_description: description },
    headers: { "x-sim-error": error },
  };
}

function decodePart(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return typeof v === "object" && v !== null && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function createGcpAuthority(
  init: { accounts?: GcpServiceAccount[]; ttlSeconds?: number } = {},
): GcpAuthority {
  const accounts = new Map<string, Account>();
  const tokens = new Map<string, Issued>();
  let count = 0;
  const authority: GcpAuthority = {
    ttlSeconds: init.ttlSeconds ?? DEFAULT_GCP_TOKEN_TTL_S,
    addAccount(a) {
      accounts.set(a.clientEmail, { publicKey: createPublicKey(a.publicKeyPem), projectId: a.projectId });
    },
    exchange(body, host) {
      if (typeof body !== "string") return oauthError("invalid_request", "Request must be form-encoded.");
      const form = new URLSearchParams(body);
      if (form.get("grant_type") !== JWT_BEARER) {
        return oauthError("unsupported_grant_type", "Invalid grant_type.");
      }
      const assertion = form.get("assertion") ?? "";
      const parts = assertion.split(".");
      if (parts.length !== 3) return oauthError("invalid_request", "Invalid JWT: not three segments.");
      const [h, c, sig] = parts as [string, string, string];
      const header = decodePart(h);
      const claims = decodePart(c);
      if (!header || !claims) return oauthError("invalid_grant", "Invalid JWT: segments are not JSON.");
      if (header.alg !== "RS256") return oauthError("invalid_grant", "Invalid JWT: alg must be RS256.");
      const iss = typeof claims.iss === "string" ? claims.iss : "";
      const account = accounts.get(iss);
      if (!account) return oauthError("invalid_grant", "Invalid JWT: iss is not a known service account.");
      if (!verify("sha256", Buffer.from(`${h}.${c}`), account.publicKey, Buffer.from(sig, "base64url"))) {
        return oauthError("invalid_grant", "Invalid JWT Signature.");
      }
      const expectedAud = `http://${host ?? ""}${TOKEN_PATH}`;
      if (claims.aud !== expectedAud)
        return oauthError("invalid_grant", "Invalid JWT: aud is not this token endpoint.");
      const scopes = typeof claims.scope === "string" ? claims.scope.split(" ") : [];
      if (!scopes.includes(CLOUD_PLATFORM_SCOPE)) return oauthError("invalid_scope", "Invalid OAuth scope.");
      const nowS = Date.now() / 1000;
      const iat = claims.iat;
      const exp = claims.exp;
      if (typeof iat !== "number" || typeof exp !== "number") {
        return oauthError("invalid_grant", "Invalid JWT: iat and exp are required.");
      }
      if (iat > nowS + CLOCK_SKEW_S || exp <= nowS - CLOCK_SKEW_S || exp - iat > 3600 || exp <= iat) {
        return oauthError(
          "invalid_grant",
          "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.",
        );
      }
      const token = `ya29.sim-${randomBytes(24).toString("base64url")}`;
      tokens.set(token, {
        email: iss,
        projectId: account.projectId,
        expiresAtMs: Date.now() + authority.ttlSeconds * 1000,
      });
      count++;
      return {
        kind: "json",
        status: 200,
        body: { access_token: token, expires_in: authority.ttlSeconds, token_type: "Bearer" },
      };
    },
    check(authorization, projectId) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
      const issued = m ? tokens.get(m[1] as string) : undefined;
      if (!issued || issued.expiresAtMs <= Date.now()) {
        if (issued) tokens.delete(m?.[1] as string);
        return {
          status: 401,
          message:
            "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
        };
      }
      if (issued.projectId !== projectId) {
        return {
          status: 403,
          message: `Permission 'aiplatform.endpoints.predict' denied on resource '//aiplatform.googleapis.com/projects/${projectId}' (or it may not exist).`,
        };
      }
      return undefined;
    },
    issued: () => count,
    revokeAll: () => tokens.clear(),
  };
  for (const a of init.accounts ?? []) authority.addAccount(a);
  return authority;
}
