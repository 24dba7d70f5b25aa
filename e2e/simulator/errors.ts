// The simulator's error catalogue, and each provider's error body shape:
//   OpenAI/Azure {"error":{"message","type","param","code"}}
//   Anthropic    {"type":"error","error":{"type","message"}}
//   Gemini       {"error":{"code","message","status"}} (Vertex AI too)
// Messages never carry request values (keys in particular).
import type { JsonReply, ProviderName } from "./reply.ts";

export const SIM_ERRORS = {
  invalid_json: { status: 400, message: "The request body is not valid JSON." },
  invalid_request: { status: 400, message: "Invalid request" },
  missing_anthropic_version: { status: 400, message: "anthropic-version: header is required" },
  invalid_api_key: { status: 401, message: "Invalid API key provided." },
  request_too_large: { status: 413, message: "The request body is too large." },
  not_found: { status: 404, message: "Unknown endpoint." },
  missing_api_version: {
    status: 404,
    message: "Resource not found: the api-version query parameter is required.",
  },
  injected: { status: 500, message: "Simulated fault" },
} as const;

export type SimErrorCode = keyof typeof SIM_ERRORS;

interface StatusStyle {
  openaiType: string;
  openaiCode: string;
  anthropicType: string;
  geminiStatus: string;
}

const STYLES: Record<number, StatusStyle> = {
  400: {
    openaiType: "invalid_request_error",
    openaiCode: "invalid_request",
    anthropicType: "invalid_request_error",
    geminiStatus: "INVALID_ARGUMENT",
  },
  401: {
    openaiType: "invalid_request_error",
    openaiCode: "invalid_api_key",
    anthropicType: "authentication_error",
    geminiStatus: "UNAUTHENTICATED",
  },
  403: {
    openaiType: "permission_error",
    openaiCode: "permission_denied",
    anthropicType: "permission_error",
    geminiStatus: "PERMISSION_DENIED",
  },
  404: {
    openaiType: "invalid_request_error",
    openaiCode: "not_found",
    anthropicType: "not_found_error",
    geminiStatus: "NOT_FOUND",
  },
  408: {
    openaiType: "timeout_error",
    openaiCode: "timeout",
    anthropicType: "timeout_error",
    geminiStatus: "DEADLINE_EXCEEDED",
  },
  413: {
    openaiType: "invalid_request_error",
    openaiCode: "request_too_large",
    anthropicType: "request_too_large",
    geminiStatus: "INVALID_ARGUMENT",
  },
  429: {
    openaiType: "requests",
    openaiCode: "rate_limit_exceeded",
    anthropicType: "rate_limit_error",
    geminiStatus: "RESOURCE_EXHAUSTED",
  },
  500: {
    openaiType: "server_error",
    openaiCode: "server_error",
    anthropicType: "api_error",
    geminiStatus: "INTERNAL",
  },
  502: {
    openaiType: "server_error",
    openaiCode: "bad_gateway",
    anthropicType: "api_error",
    geminiStatus: "UNAVAILABLE",
  },
  503: {
    openaiType: "server_error",
    openaiCode: "service_unavailable",
    anthropicType: "api_error",
    geminiStatus: "UNAVAILABLE",
  },
  504: {
    openaiType: "timeout_error",
    openaiCode: "timeout",
    anthropicType: "timeout_error",
    geminiStatus: "DEADLINE_EXCEEDED",
  },
  529: {
    openaiType: "server_error",
    openaiCode: "overloaded",
    anthropicType: "overloaded_error",
    geminiStatus: "UNAVAILABLE",
  },
};

function styleOf(status: number): StatusStyle {
  const known = STYLES[status];
  if (known) return known;
  return status >= 500
    ? {
        openaiType: "server_error",
        openaiCode: "server_error",
        anthropicType: "api_error",
        geminiStatus: "INTERNAL",
      }
    : {
        openaiType: "invalid_request_error",
        openaiCode: "invalid_request",
        anthropicType: "invalid_request_error",
        geminiStatus: "FAILED_PRECONDITION",
      };
}

/** The provider-shaped body for an error with this status and message. */
export function errorBody(provider: ProviderName, status: number, message: string): unknown {
  const style = styleOf(status);
  switch (provider) {
    case "anthropic":
      return { type: "error", error: { type: style.anthropicType, message } };
    case "gemini":
    case "vertex":
      return { error: { code: status, message, status: style.geminiStatus } };
    case "bedrock":
      return { message };
    case "openai":
    case "azure":
      return { error: { message, type: style.openaiType, param: null, code: style.openaiCode } };
  }
}

export interface ErrorOptions {
  /** Overrides the catalogue status (injected faults). */
  status?: number;
  /** Appended to the catalogue message. */
  detail?: string;
  /** Seconds, sent as the Retry-After header (and Anthropic/OpenAI style retry hints). */
  retryAfter?: number;
}

export function errorReply(provider: ProviderName, code: SimErrorCode, opts: ErrorOptions = {}): JsonReply {
  const entry = SIM_ERRORS[code];
  const status = opts.status ?? entry.status;
  const base = code === "injected" ? `${entry.message}: HTTP ${status}` : entry.message;
  const message = opts.detail ? `${base} ${opts.detail}` : base;
  const headers: Record<string, string> = { "x-sim-error": code };
  if (opts.retryAfter !== undefined) headers["retry-after"] = String(opts.retryAfter);
  return { kind: "json", status, body: errorBody(provider, status, message), headers };
}
