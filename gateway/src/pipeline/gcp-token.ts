// Google OAuth2 access tokens from a service-account key (credential mode gcpServiceAccount), the
// way Google's own libraries do it: a JWT (RS256) with iss = client_email, scope cloud-platform and
// aud = the key's token_uri, exchanged at that token_uri (grant_type jwt-bearer, RFC 7523) for an
// access token. One token per key is cached until shortly before it expires; a refresh is
// single-flight (concurrent requests wait for the one exchange). The key, the signed assertion and
// the token never reach a log line or an error message: errors name the HTTP status and the OAuth2
// error code only.
import { createHash, createPrivateKey, type KeyObject, sign } from "node:crypto";
import { z } from "zod";

export const CLOUD_PLATFORM_SCOPE = "https://www.googleapis.com/auth/cloud-platform";
const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Lifetime asked for in the assertion (Google's maximum). */
const ASSERTION_LIFETIME_S = 3600;
/** A token is refreshed this long before it expires (Google's libraries use 5 minutes)... */
const MAX_REFRESH_MARGIN_MS = 5 * 60_000;
/** ...or a quarter of its lifetime when that is shorter. */
const MARGIN_FRACTION = 0.25;
/** A failed exchange is answered from memory this long, so a bad key is not hammered per request. */
const FAILURE_HOLD_MS = 1000;
const EXCHANGE_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

/** The normalized key the operator puts in the snapshot (operator/src/core/gcp-key.ts). */
const ServiceAccountKey = z.object({
  client_email: z.string().min(1),
  private_key: z.string().min(1),
  private_key_id: z.string().optional(),
  token_uri: z.url(),
});
type ServiceAccountKey = z.infer<typeof ServiceAccountKey>;

const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
});

/** Why no token could be made. The message is safe to log: no key, assertion or token in it. */
export class GcpTokenError extends Error {
  override name = "GcpTokenError";
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface GcpTokenOptions {
  fetch?: FetchLike;
  /** Milliseconds since the epoch. */
  now?: () => number;
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

interface Cached {
  token: string;
  /** When a new token is fetched (before expiry, by the margin). */
  refreshAt: number;
}

/** The tokens of one service-account key. */
class KeyTokens {
  private readonly key: ServiceAccountKey;
  private readonly privateKey: KeyObject;
  private cached: Cached | undefined;
  private pending: Promise<string> | undefined;
  private failed: { error: GcpTokenError; until: number } | undefined;
  private readonly opts: Required<GcpTokenOptions>;
  /** Exchanges made, for tests and metrics. */
  exchanges = 0;

  constructor(credential: string, opts: Required<GcpTokenOptions>) {
    this.opts = opts;
    let parsed: ServiceAccountKey;
    try {
      parsed = ServiceAccountKey.parse(JSON.parse(credential));
    } catch {
      throw new GcpTokenError("the service-account key in the snapshot is not usable");
    }
    this.key = parsed;
    try {
      this.privateKey = createPrivateKey(parsed.private_key);
    } catch {
      throw new GcpTokenError("the service-account private key cannot be read");
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

  /** Forget `token` (the provider refused it): the next request makes a new one. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async exchange(): Promise<string> {
    this.exchanges++;
    const started = this.opts.now();
    try {
      const assertion = signAssertion(this.key, this.privateKey, Math.floor(started / 1000));
      const body = new URLSearchParams({ grant_type: JWT_BEARER, assertion }).toString();
      let res: Response;
      try {
        res = await this.opts.fetch(this.key.token_uri, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body,
          signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
        });
      } catch (err) {
        const timeout = err instanceof Error && err.name === "TimeoutError";
        throw new GcpTokenError(`token endpoint ${timeout ? "did not answer in time" : "unreachable"}`);
      }
      const text = await boundedText(res);
      if (!res.ok) throw new GcpTokenError(`token endpoint answered HTTP ${res.status}${oauthError(text)}`);
      let parsed: z.infer<typeof TokenResponse>;
      try {
        parsed = TokenResponse.parse(JSON.parse(text));
      } catch {
        throw new GcpTokenError("token endpoint answered without access_token and expires_in");
      }
      const lifetimeMs = parsed.expires_in * 1000;
      const margin = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * MARGIN_FRACTION);
      // the lifetime counts from when the exchange started: never later than the provider's clock
      this.cached = {
        token: parsed.access_token,
        refreshAt: started + lifetimeMs - margin,
      };
      this.failed = undefined;
      return parsed.access_token;
    } catch (err) {
      const error = err instanceof GcpTokenError ? err : new GcpTokenError("token exchange failed");
      this.failed = { error, until: this.opts.now() + FAILURE_HOLD_MS };
      throw error;
    }
  }
}

/** The answer's text, at most 64 KiB of it. */
export async function boundedText(res: Response): Promise<string> {
  const buf = Buffer.from(await res.arrayBuffer());
  return buf.subarray(0, MAX_RESPONSE_BYTES).toString("utf8");
}

/** ": invalid_grant" from an OAuth2 error body (a fixed token, RFC 6749 §5.2), else "". */
export function oauthError(text: string): string {
  try {
    const code = (JSON.parse(text) as { error?: unknown }).error;
    return typeof code === "string" && /^[a-z_]{1,64}$/.test(code) ? `: ${code}` : "";
  } catch {
    return "";
  }
}

function digest(credential: string): string {
  return createHash("sha256").update(credential).digest("hex");
}

/**
 * Every key's tokens, by a digest of the key: a new snapshot with the same key keeps its token.
 * retain() drops keys no snapshot uses any more.
 */
export class GcpTokens {
  private readonly byKey = new Map<string, KeyTokens>();
  private readonly opts: Required<GcpTokenOptions>;

  constructor(opts: GcpTokenOptions = {}) {
    this.opts = { fetch: opts.fetch ?? ((url, init) => fetch(url, init)), now: opts.now ?? Date.now };
  }

  private entry(credential: string): KeyTokens {
    const id = digest(credential);
    let e = this.byKey.get(id);
    if (!e) {
      e = new KeyTokens(credential, this.opts);
      this.byKey.set(id, e);
    }
    return e;
  }

  /** A valid access token for this key (cached, or fetched once for every waiting request). */
  async token(credential: string, signal?: AbortSignal): Promise<string> {
    const pending = this.entry(credential).token();
    if (!signal) return pending;
    if (signal.aborted) throw signal.reason;
    // a request that goes away stops waiting; the shared exchange goes on for the others
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

  invalidate(credential: string, token: string): void {
    this.byKey.get(digest(credential))?.invalidate(token);
  }

  /** Token exchanges made for this key so far. */
  exchanges(credential: string): number {
    return this.byKey.get(digest(credential))?.exchanges ?? 0;
  }

  /** Keep only the keys in `credentials` (called on snapshot swap). */
  retain(credentials: Iterable<string>): void {
    const keep = new Set([...credentials].map(digest));
    for (const id of this.byKey.keys()) if (!keep.has(id)) this.byKey.delete(id);
  }
}
