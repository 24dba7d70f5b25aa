// Credential injection. inject: the credential at its place (the provider's header = prefix +
// credential, or a query parameter, or a cookie), every client-sent credential header dropped.
// passthrough: the client's own credential for that provider, read from that place, goes upstream
// there (never the gateway key it authenticated with). none: no credential at all. Additional
// credentials (policies.auth.credentials) go to their own places after the primary one.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { InjectedCredential, UpstreamAuth } from "../snapshot/schema.ts";
import { bearerToken } from "./client-auth.ts";
import { forwardableRequestHeaders } from "./headers.ts";

export interface UpstreamHeaderInput {
  client: IncomingHttpHeaders;
  auth: UpstreamAuth;
  /** Additional credentials of the provider (policies.auth.credentials). */
  credentials?: readonly InjectedCredential[];
  /** The client's query (a passthrough credential may come from it). */
  query?: URLSearchParams;
  /** True when the client's Authorization header was the gateway key (never forwarded). */
  gatewayKeyInAuthorization: boolean;
  /** Provider headers from the adapter (e.g. anthropic-version). */
  extra: Record<string, string>;
  /** placedCredentials(input), when the caller already has it. */
  placed?: readonly Placed[];
  host: string;
  contentLength: number;
}

/** One credential and where it goes on the upstream request. */
export type Placed =
  | { in: "header"; name: string; value: string }
  | { in: "queryParameter"; name: string; value: string }
  | { in: "cookie"; name: string; value: string };

type Source = Pick<
  UpstreamHeaderInput,
  "client" | "auth" | "credentials" | "query" | "gatewayKeyInAuthorization"
>;

function placeInjected(c: InjectedCredential): Placed {
  if (c.location) return { in: c.location.in, name: c.location.name, value: c.credential };
  return { in: "header", name: c.header.toLowerCase(), value: `${c.prefix}${c.credential}` };
}

/** Every credential of this attempt with its place, primary first. */
export function placedCredentials(input: Source): Placed[] {
  const out: Placed[] = [];
  const { auth } = input;
  if (auth.mode === "inject") out.push(placeInjected(auth));
  else if (auth.mode === "passthrough") {
    const p = passthroughPlaced(input, auth);
    if (p) out.push(p);
  }
  for (const c of input.credentials ?? []) out.push(placeInjected(c));
  return out;
}

export function buildUpstreamHeaders(input: UpstreamHeaderInput): OutgoingHttpHeaders {
  const out = forwardableRequestHeaders(input.client);
  for (const p of input.placed ?? placedCredentials(input)) {
    if (p.in === "header") out[p.name] = p.value;
    else if (p.in === "cookie") out.cookie = withCookie(out.cookie, p.name, p.value);
  }
  for (const [k, v] of Object.entries(input.extra)) out[k.toLowerCase()] ??= v;
  out.host = input.host;
  if (
    input.contentLength > 0 ||
    input.client["content-length"] !== undefined ||
    input.client["transfer-encoding"]
  ) {
    out["content-length"] = String(input.contentLength);
  }
  out["accept-encoding"] = "identity";
  return out;
}

/** The upstream path (with query) with every query-parameter credential set, replacing client values. */
export function withQueryCredentials(pathAndQuery: string, placed: readonly Placed[]): string {
  const params = placed.filter((p) => p.in === "queryParameter");
  if (params.length === 0) return pathAndQuery;
  const q = pathAndQuery.indexOf("?");
  const path = q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = new URLSearchParams(q === -1 ? "" : pathAndQuery.slice(q + 1));
  for (const p of params) query.set(p.name, p.value);
  return `${path}?${query.toString()}`;
}

/** The Cookie header with `name` set to `value` (a client cookie of that name is replaced). */
export function withCookie(existing: OutgoingHttpHeaders[string], name: string, value: string): string {
  const text = Array.isArray(existing) ? existing.join("; ") : existing === undefined ? "" : String(existing);
  const kept = text
    .split(";")
    .map((c) => c.trim())
    .filter((c) => c !== "" && cookieName(c) !== name);
  kept.push(`${name}=${value}`);
  return kept.join("; ");
}

function cookieName(pair: string): string {
  const eq = pair.indexOf("=");
  return (eq === -1 ? pair : pair.slice(0, eq)).trim();
}

function clientCookie(client: IncomingHttpHeaders, name: string): string | undefined {
  const text = client.cookie;
  if (typeof text !== "string") return undefined;
  for (const pair of text.split(";")) {
    const eq = pair.indexOf("=");
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The client's credential for a passthrough provider, read where the location says (its header,
 * with the prefix stripped; its query parameter; its cookie), else a bearer token it sent (SDKs such
 * as @anthropic-ai/sdk send `Authorization: Bearer <key>`); written to the same place upstream.
 * Never the gateway key.
 */
function passthroughPlaced(
  input: Source,
  auth: Extract<UpstreamAuth, { mode: "passthrough" }>,
): Placed | undefined {
  const { client, gatewayKeyInAuthorization } = input;
  const fallback = (): string | undefined =>
    gatewayKeyInAuthorization
      ? undefined
      : bearerToken(typeof client.authorization === "string" ? client.authorization : undefined);
  if (auth.location) {
    const own =
      auth.location.in === "queryParameter"
        ? (input.query?.get(auth.location.name) ?? undefined)
        : clientCookie(client, auth.location.name);
    const value = own ?? fallback();
    return value === undefined ? undefined : { in: auth.location.in, name: auth.location.name, value };
  }
  const name = auth.header.toLowerCase();
  const prefix = auth.prefix ?? "";
  const raw = client[name];
  let value: string | undefined;
  if (name === "authorization") {
    if (gatewayKeyInAuthorization || typeof raw !== "string") return undefined;
    value = raw;
  } else value = typeof raw === "string" ? raw : fallback();
  if (value === undefined) return undefined;
  if (prefix === "") return { in: "header", name, value };
  const bare =
    value.slice(0, prefix.length).toLowerCase() === prefix.toLowerCase() ? value.slice(prefix.length) : value;
  return { in: "header", name, value: `${prefix}${bare}` };
}

/** The client's query without provider credentials (Gemini's `key`). */
export function stripCredentialQuery(query: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams(query);
  q.delete("key");
  return q;
}
