// Entra ID (Azure AD) access tokens for an app registration (credential mode azureClientSecret):
// the OAuth2 client-credentials grant (RFC 6749 §4.4) at the Microsoft identity platform's v2.0
// token endpoint, POST {tokenUrl} grant_type=client_credentials&client_id&client_secret&scope.
// Like gcp-token.ts: one token per app registration and scope, cached until shortly before it
// expires; a refresh is single-flight; a failure is held for a second so a bad secret is not
// hammered. The client secret and the token never reach a log line or an error message: errors name
// the HTTP status and the OAuth2 error code only.
import { createHash } from "node:crypto";
import { z } from "zod";
import { boundedText, type FetchLike, oauthError } from "./gcp-token.ts";

const MAX_REFRESH_MARGIN_MS = 5 * 60_000;
const MARGIN_FRACTION = 0.25;
const FAILURE_HOLD_MS = 1000;
const EXCHANGE_TIMEOUT_MS = 10_000;

const ClientCredentials = z.object({
  tenantId: z.string().min(1),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});
type ClientCredentials = z.infer<typeof ClientCredentials>;

/** expires_in is a number of seconds (Entra sends a number; some proxies a numeric string). */
const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.union([z.number().positive(), z.string().regex(/^\d+$/).transform(Number)]),
});

/** Why no token could be made. The message is safe to log: no secret or token in it. */
export class AzureTokenError extends Error {
  override name = "AzureTokenError";
}

export interface AzureTokenOptions {
  fetch?: FetchLike;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

export interface AzureTokenSource {
  /** JSON {tenantId, clientId, clientSecret} from the snapshot. */
  credential: string;
  tokenUrl: string;
  scope: string;
}

/** The tokens of one app registration at one endpoint and scope. */
class RegistrationTokens {
  private readonly creds: ClientCredentials;
  private cached: { token: string; refreshAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private failed: { error: AzureTokenError; until: number } | undefined;
  private readonly source: AzureTokenSource;
  private readonly opts: Required<AzureTokenOptions>;
  exchanges = 0;

  constructor(source: AzureTokenSource, opts: Required<AzureTokenOptions>) {
    this.source = source;
    this.opts = opts;
    try {
      this.creds = ClientCredentials.parse(JSON.parse(source.credential));
    } catch {
      throw new AzureTokenError("the Azure client credentials in the snapshot are not usable");
    }
  }

  token(): Promise<string> {
    const now = this.opts.now();
    const c = this.cached;
    if (c && now < c.refreshAt) return Promise.resolve(c.token);
    if (this.failed && now < this.failed.until) return Promise.reject(this.failed.error);
    this.pending ??= this.exchange().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async exchange(): Promise<string> {
    this.exchanges++;
    const started = this.opts.now();
    try {
      const body = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: this.creds.clientId,
        client_secret: this.creds.clientSecret,
        scope: this.source.scope,
      }).toString();
      let res: Response;
      try {
        res = await this.opts.fetch(this.source.tokenUrl, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body,
          signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
        });
      } catch (err) {
        const timeout = err instanceof Error && err.name === "TimeoutError";
        throw new AzureTokenError(
          `Entra token endpoint ${timeout ? "did not answer in time" : "unreachable"}`,
        );
      }
      const text = await boundedText(res);
      if (!res.ok)
        throw new AzureTokenError(`Entra token endpoint answered HTTP ${res.status}${oauthError(text)}`);
      let parsed: z.infer<typeof TokenResponse>;
      try {
        parsed = TokenResponse.parse(JSON.parse(text));
      } catch {
        throw new AzureTokenError("Entra token endpoint answered without access_token and expires_in");
      }
      const lifetimeMs = parsed.expires_in * 1000;
      const margin = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * MARGIN_FRACTION);
      this.cached = { token: parsed.access_token, refreshAt: started + lifetimeMs - margin };
      this.failed = undefined;
      return parsed.access_token;
    } catch (err) {
      const error = err instanceof AzureTokenError ? err : new AzureTokenError("token exchange failed");
      this.failed = { error, until: this.opts.now() + FAILURE_HOLD_MS };
      throw error;
    }
  }
}

function idOf(s: AzureTokenSource): string {
  return createHash("sha256").update(`${s.credential}\n${s.tokenUrl}\n${s.scope}`).digest("hex");
}

/** Every app registration's tokens, by a digest; retain() drops those no snapshot uses any more. */
export class AzureTokens {
  private readonly byId = new Map<string, RegistrationTokens>();
  private readonly opts: Required<AzureTokenOptions>;

  constructor(opts: AzureTokenOptions = {}) {
    this.opts = { fetch: opts.fetch ?? ((url, init) => fetch(url, init)), now: opts.now ?? Date.now };
  }

  private entry(s: AzureTokenSource): RegistrationTokens {
    const id = idOf(s);
    let e = this.byId.get(id);
    if (!e) {
      e = new RegistrationTokens(s, this.opts);
      this.byId.set(id, e);
    }
    return e;
  }

  /** A valid access token (cached, or fetched once for every waiting request). */
  async token(s: AzureTokenSource, signal?: AbortSignal): Promise<string> {
    const pending = this.entry(s).token();
    if (!signal) return pending;
    if (signal.aborted) throw signal.reason;
    return new Promise<string>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      pending.then(
        (t) => {
          signal.removeEventListener("abort", onAbort);
          resolve(t);
        },
        (e: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(e);
        },
      );
    });
  }

  invalidate(s: AzureTokenSource, token: string): void {
    this.byId.get(idOf(s))?.invalidate(token);
  }

  exchanges(s: AzureTokenSource): number {
    return this.byId.get(idOf(s))?.exchanges ?? 0;
  }

  /** Keep only these sources (called on snapshot swap). */
  retain(sources: Iterable<AzureTokenSource>): void {
    const keep = new Set([...sources].map(idOf));
    for (const id of this.byId.keys()) if (!keep.has(id)) this.byId.delete(id);
  }
}
