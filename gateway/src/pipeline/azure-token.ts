// Entra ID (Azure AD) access tokens for an app registration (credential mode azureClientSecret):
// the OAuth2 client-credentials grant (RFC 6749 §4.4) at the Microsoft identity platform's v2.0
// token endpoint, POST {tokenUrl} grant_type=client_credentials&client_id&client_secret&scope.
// Caching, single flight and error hygiene: oauth-tokens.ts. The client secret never reaches a log
// line or an error message.
import { createHash } from "node:crypto";
import { z } from "zod";
import { type Grant, type GrantKind, OAuthTokens, type TokenOptions } from "./oauth-tokens.ts";

const ClientCredentials = z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

/** Why no token could be made. The message is safe to log: no secret or token in it. */
export class AzureTokenError extends Error {
  override name = "AzureTokenError";
}

export interface AzureTokenSource {
  /** JSON {tenantId, clientId, clientSecret} from the snapshot. */
  credential: string;
  tokenUrl: string;
  scope: string;
}

/** An app registration as a client-credentials grant; throws AzureTokenError when it is not usable. */
function registrationGrant(source: AzureTokenSource): Grant {
  let creds: z.infer<typeof ClientCredentials>;
  try {
    creds = ClientCredentials.parse(JSON.parse(source.credential));
  } catch {
    throw new AzureTokenError("the Azure client credentials in the snapshot are not usable");
  }
  return {
    request: () => ({
      url: source.tokenUrl,
      form: {
        grant_type: "client_credentials",
        client_id: creds.clientId,
        client_secret: creds.clientSecret,
        scope: source.scope,
      },
    }),
  };
}

const AZURE: GrantKind<AzureTokenSource> = {
  endpoint: "Entra token endpoint",
  error: AzureTokenError,
  id: (s) => createHash("sha256").update(`${s.credential}\n${s.tokenUrl}\n${s.scope}`).digest("hex"),
  grant: registrationGrant,
};

/** Every app registration's tokens (per endpoint and scope), by a digest. */
export class AzureTokens extends OAuthTokens<AzureTokenSource> {
  constructor(opts: TokenOptions = {}) {
    super(AZURE, opts);
  }
}
