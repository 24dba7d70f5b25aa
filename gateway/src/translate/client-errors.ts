// Gateway errors in the client's own format. OpenAI clients get the catalogue body
// {"error":{"message","type","code"}}; Anthropic clients {"type":"error","error":{"type","message"}}
// with Anthropic's error types; Gemini clients {"error":{"code","message","status"}}.
import type { ErrorBody } from "../errors.ts";
import type { ClientFormat } from "./catalogue.ts";

function anthropicType(status: number): string {
  if (status === 400 || status === 405 || status === 413)
    return status === 413 ? "request_too_large" : "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status === 529) return "overloaded_error";
  if (status === 504) return "timeout_error";
  return "api_error";
}

function googleStatus(status: number): string {
  const map: Record<number, string> = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "UNIMPLEMENTED",
    429: "RESOURCE_EXHAUSTED",
    499: "CANCELLED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
  };
  return map[status] ?? "INTERNAL";
}

/** The JSON error body for a client speaking `format`. */
export function clientErrorBody(format: ClientFormat, status: number, body: ErrorBody): unknown {
  if (format === "anthropic") {
    return { type: "error", error: { type: anthropicType(status), message: body.error.message } };
  }
  if (format === "gemini") {
    return { error: { code: status, message: body.error.message, status: googleStatus(status) } };
  }
  return body;
}

/** The SSE text telling a streaming client the answer failed, in its format. */
export function clientErrorEvent(format: ClientFormat, status: number, body: ErrorBody): string {
  const json = JSON.stringify(clientErrorBody(format, status, body));
  return format === "anthropic" ? `event: error\ndata: ${json}\n\n` : `data: ${json}\n\n`;
}
