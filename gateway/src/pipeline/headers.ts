// Header hygiene for both directions: hop-by-hop headers never cross the proxy, and the upstream
// request carries no header the client used to authenticate to the gateway or to a provider
// (credentials.ts decides what credential, if any, goes upstream).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** Every header a client may carry a provider (or gateway) credential in. */
export const CREDENTIAL_HEADERS = ["authorization", "api-key", "x-api-key", "x-goog-api-key"] as const;

/** Headers the gateway sets itself on the upstream request. */
const GATEWAY_OWNED = new Set(["host", "content-length", "expect", "accept-encoding"]);

const NONE: ReadonlySet<string> = new Set();

const CLOSE: ReadonlySet<string> = new Set(["close"]);

function connectionListed(headers: IncomingHttpHeaders): ReadonlySet<string> {
  const c = headers.connection;
  if (typeof c !== "string") return NONE;
  // the values nearly every answer carries, without splitting (keep-alive is hop-by-hop anyway)
  if (c === "keep-alive" || c === "Keep-Alive") return NONE;
  if (c === "close") return CLOSE;
  return new Set(
    c
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
}

/** Client headers minus hop-by-hop, gateway-owned and credential headers. */
export function forwardableRequestHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (HOP_BY_HOP.has(name) || listed.has(name) || GATEWAY_OWNED.has(name)) continue;
    if ((CREDENTIAL_HEADERS as readonly string[]).includes(name)) continue;
    out[name] = value;
  }
  return out;
}

/** Upstream response headers minus hop-by-hop ones (and content-length when the body changes). */
export function forwardableResponseHeaders(
  headers: IncomingHttpHeaders,
  opts: { dropLength: boolean },
): OutgoingHttpHeaders {
  const listed = connectionListed(headers);
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name)) continue;
    if (opts.dropLength && name === "content-length") continue;
    out[name] = value;
  }
  return out;
}

/** "host" or "host:port" as the upstream expects it in the Host header. */
export function upstreamHostHeader(host: string, port: number, tls: boolean): string {
  const h = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return (tls && port === 443) || (!tls && port === 80) ? h : `${h}:${port}`;
}
