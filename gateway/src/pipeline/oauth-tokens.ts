// OAuth2 access tokens the proxy makes from a credential in the snapshot, whatever the grant
// (gcp-token.ts: a signed JWT, RFC 7523; azure-token.ts: client credentials, RFC 6749 §4.4). One
// token per credential is cached until shortly before it expires; a refresh is single-flight
// (concurrent requests wait for the one exchange); a failure is held for a second so a bad
// credential is not hammered per request. The credential and the token never reach a log line or an
// error message: errors name the endpoint, the HTTP status and the OAuth2 error code only.
import { z } from "zod";

/** A token is refreshed this long before it expires (Google's libraries use 5 minutes)... */
const MAX_REFRESH_MARGIN_MS = 5 * 60_000;
/** ...or a quarter of its lifetime when that is shorter. */
const MARGIN_FRACTION = 0.25;
/** A failed exchange is answered from memory this long. */
const FAILURE_HOLD_MS = 1000;
const EXCHANGE_TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

/** expires_in is a number of seconds (a numeric string from some token services and proxies). */
const TokenResponse = z.object({
  access_token: z.string().min(1),
  expires_in: z.union([z.number().positive(), z.string().regex(/^\d+$/).transform(Number)]),
});

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface TokenOptions {
  fetch?: FetchLike;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

/** One credential's exchange: where to POST which form fields (built when the exchange starts). */
export interface Grant {
  request(nowMs: number): { url: string; form: Record<string, string> };
}

/** What differs between grants: naming, errors, identity and how a credential becomes a Grant. */
export interface GrantKind<S> {
  /** How error messages name the endpoint, e.g. "token endpoint". */
  endpoint: string;
  /** The grant's error class; its messages are safe to log. */
  error: new (
    message: string,
  ) => Error;
  /** A digest that identifies the source (a new snapshot with the same source keeps its token). */
  id(source: S): string;
  /** Throws `error` when the source's credential is not usable. */
  grant(source: S): Grant;
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

/** The tokens of one credential. */
class CredentialTokens<S> {
  readonly #kind: GrantKind<S>;
  readonly #grant: Grant;
  readonly #opts: Required<TokenOptions>;
  #cached: { token: string; refreshAt: number } | undefined;
  #pending: Promise<string> | undefined;
  #failed: { error: Error; until: number } | undefined;
  /** Exchanges made, for tests and metrics. */
  exchanges = 0;

  constructor(kind: GrantKind<S>, source: S, opts: Required<TokenOptions>) {
    this.#kind = kind;
    this.#opts = opts;
    this.#grant = kind.grant(source);
  }

  token(): Promise<string> {
    const now = this.#opts.now();
    const c = this.#cached;
    if (c && now < c.refreshAt) return Promise.resolve(c.token);
    if (this.#failed && now < this.#failed.until) return Promise.reject(this.#failed.error);
    this.#pending ??= this.#exchange().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** Forget `token` (the provider refused it): the next request makes a new one. */
  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined;
  }

  async #exchange(): Promise<string> {
    this.exchanges++;
    const { endpoint, error: Err } = this.#kind;
    const started = this.#opts.now();
    try {
      const { url, form } = this.#grant.request(started);
      let res: Response;
      try {
        res = await this.#opts.fetch(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
          body: new URLSearchParams(form).toString(),
          signal: AbortSignal.timeout(EXCHANGE_TIMEOUT_MS),
        });
      } catch (err) {
        const timeout = err instanceof Error && err.name === "TimeoutError";
        throw new Err(`${endpoint} ${timeout ? "did not answer in time" : "unreachable"}`);
      }
      const text = await boundedText(res);
      if (!res.ok) throw new Err(`${endpoint} answered HTTP ${res.status}${oauthError(text)}`);
      let parsed: z.infer<typeof TokenResponse>;
      try {
        parsed = TokenResponse.parse(JSON.parse(text));
      } catch {
        throw new Err(`${endpoint} answered without access_token and expires_in`);
      }
      const lifetimeMs = parsed.expires_in * 1000;
      const margin = Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs * MARGIN_FRACTION);
      // the lifetime counts from when the exchange started: never later than the provider's clock
      this.#cached = { token: parsed.access_token, refreshAt: started + lifetimeMs - margin };
      this.#failed = undefined;
      return parsed.access_token;
    } catch (err) {
      const error = err instanceof Err ? err : new Err("token exchange failed");
      this.#failed = { error, until: this.#opts.now() + FAILURE_HOLD_MS };
      throw error;
    }
  }
}

/** Every source's tokens, by its id; retain() drops sources no snapshot uses any more. */
export class OAuthTokens<S> {
  readonly #kind: GrantKind<S>;
  readonly #bySource = new Map<string, CredentialTokens<S>>();
  readonly #opts: Required<TokenOptions>;

  constructor(kind: GrantKind<S>, opts: TokenOptions = {}) {
    this.#kind = kind;
    this.#opts = { fetch: opts.fetch ?? ((url, init) => fetch(url, init)), now: opts.now ?? Date.now };
  }

  #entry(source: S): CredentialTokens<S> {
    const id = this.#kind.id(source);
    let e = this.#bySource.get(id);
    if (!e) {
      e = new CredentialTokens(this.#kind, source, this.#opts);
      this.#bySource.set(id, e);
    }
    return e;
  }

  /** A valid access token (cached, or fetched once for every waiting request). */
  async token(source: S, signal?: AbortSignal): Promise<string> {
    const pending = this.#entry(source).token();
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

  invalidate(source: S, token: string): void {
    this.#bySource.get(this.#kind.id(source))?.invalidate(token);
  }

  /** Token exchanges made for this source so far. */
  exchanges(source: S): number {
    return this.#bySource.get(this.#kind.id(source))?.exchanges ?? 0;
  }

  /** Keep only these sources (called on snapshot swap). */
  retain(sources: Iterable<S>): void {
    const keep = new Set([...sources].map((s) => this.#kind.id(s)));
    for (const id of this.#bySource.keys()) if (!keep.has(id)) this.#bySource.delete(id);
  }
}
