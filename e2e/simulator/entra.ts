// Microsoft Entra ID's token endpoint for app registrations, as strict as the real one (Microsoft
// identity platform v2.0, OAuth 2.0 client credentials flow):
//   POST /{tenant}/oauth2/v2.0/token  (application/x-www-form-urlencoded)
//   grant_type=client_credentials&client_id=..&client_secret=..&scope=<resource>/.default
// Answer: {token_type: "Bearer", expires_in, ext_expires_in, access_token}. Errors as Entra sends
// them: 400 {error, error_description "AADSTSnnnn: ...", error_codes, timestamp, trace_id,
// correlation_id} (invalid_request, unsupported_grant_type, invalid_scope, unauthorized_client) and
// 401 invalid_client for a wrong secret. Issued tokens live `ttlSeconds`; Azure OpenAI endpoints
// accept `Authorization: Bearer <token>` only while it lives and only for the token's scope
// (cognitiveservices for *.openai.azure.com, ai.azure.com for Foundry project endpoints).
import { randomBytes, randomUUID } from "node:crypto";
import type { JsonReply } from "./reply.ts";

export const ENTRA_TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;
export const COGNITIVE_SERVICES_SCOPE = "https://cognitiveservices.azure.com/.default";
export const FOUNDRY_SCOPE = "https://ai.azure.com/.default";
const SCOPES = new Set([COGNITIVE_SERVICES_SCOPE, FOUNDRY_SCOPE]);
export const DEFAULT_ENTRA_TOKEN_TTL_S = 3599;

export interface EntraApp {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

export interface EntraAuthority {
  ttlSeconds: number;
  /** POST /{tenant}/oauth2/v2.0/token with its content type and decoded body. */
  exchange(tenant: string, contentType: string | undefined, body: unknown): JsonReply;
  /** True when `authorization` is `Bearer <a live token issued for scope>`. */
  accepts(authorization: string | undefined, scope: string): boolean;
  /** Tokens issued so far. */
  issued(): number;
  /** Revokes every issued token (as when the app's secret is rotated): Azure calls with them get 401. */
  revokeAll(): void;
}

function entraError(status: 400 | 401, error: string, code: number, description: string): JsonReply {
  return {
    kind: "json",
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: randomUUID(),
      correlation_id: randomUUID(),
    },
    headers: { "x-sim-error": error },
  };
}

export function createEntraAuthority(init: { apps?: EntraApp[]; ttlSeconds?: number } = {}): EntraAuthority {
  const apps = init.apps ?? [];
  const tokens = new Map<string, { scope: string; expiresAtMs: number }>();
  let count = 0;
  const authority: EntraAuthority = {
    ttlSeconds: init.ttlSeconds ?? DEFAULT_ENTRA_TOKEN_TTL_S,
    exchange(tenant, contentType, body) {
      if (
        !(contentType ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded") ||
        typeof body !== "string"
      ) {
        return entraError(
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'grant_type'.",
        );
      }
      const form = new URLSearchParams(body);
      const grant = form.get("grant_type");
      if (grant === null) {
        return entraError(
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'grant_type'.",
        );
      }
      if (grant !== "client_credentials") {
        return entraError(
          400,
          "unsupported_grant_type",
          70003,
          "The app requested an unsupported grant type.",
        );
      }
      const tenantApps = apps.filter((a) => a.tenantId === tenant);
      if (tenantApps.length === 0) {
        return entraError(400, "invalid_request", 90002, `Tenant '${tenant}' not found.`);
      }
      const clientId = form.get("client_id");
      if (!clientId) {
        return entraError(
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'client_id'.",
        );
      }
      const app = tenantApps.find((a) => a.clientId === clientId);
      if (!app) {
        return entraError(
          400,
          "unauthorized_client",
          700016,
          `Application with identifier '${clientId}' was not found in the directory.`,
        );
      }
      const secret = form.get("client_secret");
      if (!secret) {
        return entraError(
          400,
          "invalid_request",
          7000218,
          "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        );
      }
      if (secret !== app.clientSecret) {
        return entraError(
          401,
          "invalid_client",
          7000215,
          "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.",
        );
      }
      const scope = form.get("scope");
      if (!scope) {
        return entraError(
          400,
          "invalid_request",
          900144,
          "The request body must contain the following parameter: 'scope'.",
        );
      }
      if (!SCOPES.has(scope)) {
        return entraError(
          400,
          "invalid_scope",
          1002012,
          `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
        );
      }
      const token = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.sim-${randomBytes(24).toString("base64url")}`;
      tokens.set(token, { scope, expiresAtMs: Date.now() + authority.ttlSeconds * 1000 });
      count++;
      return {
        kind: "json",
        status: 200,
        body: {
          token_type: "Bearer",
          expires_in: authority.ttlSeconds,
          ext_expires_in: authority.ttlSeconds,
          access_token: token,
        },
      };
    },
    accepts(authorization, scope) {
      const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? "");
      const issued = m ? tokens.get(m[1] as string) : undefined;
      return issued !== undefined && issued.expiresAtMs > Date.now() && issued.scope === scope;
    },
    issued: () => count,
    revokeAll: () => tokens.clear(),
  };
  return authority;
}
