// Google OAuth2 access tokens from a service-account key (credential mode gcpServiceAccount), the
// way Google's own libraries do it: a JWT (RS256) with iss = client_email, scope cloud-platform and
// aud = the key's token_uri, exchanged at that token_uri (grant_type jwt-bearer, RFC 7523) for an
// access token. Caching, single flight and error hygiene: oauth-tokens.ts. The key and the signed
// assertion never reach a log line or an error message.
import { createHash, createPrivateKey, type KeyObject, sign } from "node:crypto";
import { z } from "zod";
import { type Grant, type GrantKind, OAuthTokens, type TokenOptions } from "./oauth-tokens.ts";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Lifetime asked for in the assertion (Google's maximum). */
const ASSERTION_LIFETIME_S = 3600;

/** The normalized key the operator puts in the snapshot (operator/src/core/gcp-key.ts). */
const ServiceAccountKey = z.object({
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  token_uri: z.url(),
});
type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

/** Why no token could be made. The message is safe to log: no key, assertion or token in it. */
export class GcpTokenError extends Error {
  override name = "GcpTokenError";
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString("base64url");

/** The signed JWT assertion for one exchange. */
export function signAssertion(key: ServiceAccountKey, privateKey: KeyObject, nowS: number): string {
  const header = { alg: "RS256", typ: "JWT", ...(key.private_key_id ? { kid: key.private_key_id } : {}) };
  const claims = {
    iss: key.client_email,
    scope: CLOUD_PLATFORM_SCOPE,
    aud: key.token_uri,
    iat: nowS,
    exp: nowS + ASSERTION_LIFETIME_S,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${b64url(sign("sha256", Buffer.from(input), privateKey))}`;
}

/** A service-account key as a jwt-bearer grant; throws GcpTokenError when the key is not usable. */
function keyGrant(credential: string): Grant {
  let key: ServiceAccountKey;
  try {
    key = ServiceAccountKey.parse(JSON.parse(credential));
  } catch {
    throw new GcpTokenError("the service-account key in the snapshot is not usable");
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key.private_key);
  } catch {
    throw new GcpTokenError("the service-account private key cannot be read");
  }
  return {
    request: (nowMs) => ({
      url: key.token_uri,
      form: { grant_type: JWT_BEARER, assertion: signAssertion(key, privateKey, Math.floor(nowMs / 1000)) },
    }),
  };
}

const GCP: GrantKind<string> = {
  endpoint: "token endpoint",
  error: GcpTokenError,
  id: (credential) => createHash("sha256").update(credential).digest("hex"),
  grant: keyGrant,
};

/** Every service-account key's tokens, by a digest of the key. */
export class GcpTokens extends OAuthTokens<string> {
  constructor(opts: TokenOptions = {}) {
    super(GCP, opts);
  }
}
