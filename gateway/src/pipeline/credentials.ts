// Credential injection. inject: the provider's header = prefix + credential, every client-sent
// credential header dropped. passthrough: the client's own header for that provider goes upstream
// unchanged (never the gateway key it authenticated with). none: no credential at all.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { UpstreamAuth } from "../snapshot/schema.ts";
import { bearerToken } from "./client-auth.ts";
import { forwardableRequestHeaders } from "./headers.ts";

export interface UpstreamHeaderInput {
  client: IncomingHttpHeaders;
  auth: UpstreamAuth;
  /** True when the client's Authorization header was the gateway key (never forwarded). */
  gatewayKeyInAuthorization: boolean;
  /** Provider headers from the adapter (e.g. anthropic-version). */
  extra: Record<string, string>;
  host: string;
  contentLength: number;
}

export function buildUpstreamHeaders(input: UpstreamHeaderInput): OutgoingHttpHeaders {
  const out = forwardableRequestHeaders(input.client);
  const { auth } = input;
  if (auth.mode === "inject") {
    out[auth.header.toLowerCase()] = `${auth.prefix}${auth.credential}`;
  } else if (auth.mode === "passthrough") {
    const value = passthroughValue(input.client, auth.header.toLowerCase(), input.gatewayKeyInAuthorization);
    if (value !== undefined) out[auth.header.toLowerCase()] = value;
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

/**
 * The client's credential for a passthrough provider: its own header for that provider, else a
 * bearer token it sent (SDKs such as @anthropic-ai/sdk send `Authorization: Bearer <key>`), moved
 * into the provider's header. Never the gateway key.
 */
function passthroughValue(
  client: IncomingHttpHeaders,
  name: string,
  gatewayKeyInAuthorization: boolean,
): string | undefined {
  const own = client[name];
  if (name === "authorization") return gatewayKeyInAuthorization || typeof own !== "string" ? undefined : own;
  if (typeof own === "string") return own;
  if (gatewayKeyInAuthorization) return undefined;
  return bearerToken(typeof client.authorization === "string" ? client.authorization : undefined);
}

/** The client's query without provider credentials (Gemini's `key`). */
export function stripCredentialQuery(query: URLSearchParams): URLSearchParams {
  const q = new URLSearchParams(query);
  q.delete("key");
  return q;
}
