// A provider's error answer becomes a gateway error body: provider_error with the upstream status
// (429 → rate_limited, Retry-After kept). Provider messages are kept for the client's sake but
// scrubbed: anything that looks like a key, and the credentials this request used, are removed;
// 401/403 messages are replaced outright (providers echo key fragments there).
import type { IncomingHttpHeaders } from "node:http";
import { GatewayError } from "../errors.ts";
import type { ProviderAdapter } from "../providers/types.ts";
import type { UpstreamBody } from "./forward.ts";

const MAX_ERROR_BODY = 64 * 1024;
const MAX_MESSAGE = 500;
const AUTH_FAILED = "Authentication with the provider failed";
const KEY_LIKE = [
  /\b(?:sk|pk|rk|ak)-[A-Za-z0-9_*.-]{4,}/g,
  /\bAIza[0-9A-Za-z_*-]{8,}/g,
  /\b(?:Bearer|Basic)\s+\S+/gi,
  /\b(?:key|api[-_]?key|token)=\S+/gi,
];

export function readBounded(upstream: UpstreamBody, limit = MAX_ERROR_BODY): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    };
    upstream.consume({
      data: (c) => {
        if (done) return;
        if (size < limit) chunks.push(c.subarray(0, limit - size));
        size += c.length;
        if (size >= limit) {
          finish();
          upstream.destroy();
        }
      },
      end: finish,
      error: finish,
    });
  });
}

export function scrubMessage(message: string, secrets: readonly string[]): string {
  let m = message;
  for (const s of secrets) if (s.length >= 4) m = m.split(s).join("[REDACTED]");
  for (const re of KEY_LIKE) m = m.replace(re, "[REDACTED]");
  return m.length > MAX_MESSAGE ? `${m.slice(0, MAX_MESSAGE)}…` : m;
}

export function providerError(
  status: number,
  headers: IncomingHttpHeaders,
  body: Buffer,
  adapter: ProviderAdapter,
  secrets: readonly string[],
): GatewayError {
  let message: string | undefined;
  if (status !== 401 && status !== 403) {
    try {
      const upstreamMessage = adapter.errorMessage(JSON.parse(body.toString("utf8")));
      if (upstreamMessage) message = scrubMessage(upstreamMessage, secrets);
    } catch {
      // not JSON: the catalogue message
    }
  } else {
    message = AUTH_FAILED;
  }
  if (status === 429) {
    const retryAfter = headers["retry-after"];
    return new GatewayError("rate_limited", {
      message,
      headers: typeof retryAfter === "string" ? { "retry-after": retryAfter } : {},
    });
  }
  return new GatewayError("provider_error", { status, message });
}
