// The ONE catalogue of errors the gateway itself produces. Every error body a client receives is
// built here, OpenAI-style: {"error":{"message","type","code"}}. The code doubles as the `reason`
// label of ai_gateway_requests_total. Messages are fixed strings (or a provider message scrubbed by
// the caller): no request data, no credential ever reaches an error body.

export interface CatalogueEntry {
  /** HTTP status; 0 means "the upstream's status" (provider_error). */
  status: number;
  type: string;
  message: string;
}

export const ERRORS = {
  invalid_json: { status: 400, type: "invalid_request_error", message: "Request body is not valid JSON" },
  json_too_deep: {
    status: 400,
    type: "invalid_request_error",
    message: "Request body JSON is nested too deeply",
  },
  request_too_large: {
    status: 413,
    type: "invalid_request_error",
    message: "Request body is larger than the gateway accepts",
  },
  unsupported_media_type: {
    status: 415,
    type: "invalid_request_error",
    message: "Request body must be JSON (Content-Type: application/json)",
  },
  invalid_request: { status: 400, type: "invalid_request_error", message: "Invalid request" },
  bad_request: { status: 400, type: "invalid_request_error", message: "Malformed HTTP request" },
  request_timeout: {
    status: 408,
    type: "invalid_request_error",
    message: "The request was not received in time",
  },
  headers_too_large: {
    status: 431,
    type: "invalid_request_error",
    message: "Request headers are larger than the gateway accepts",
  },
  unsupported_parameter: {
    status: 400,
    type: "invalid_request_error",
    message: "The request uses a field the backend's API cannot express",
  },
  authentication_error: { status: 401, type: "authentication_error", message: "Invalid authentication" },
  admin_loopback_only: {
    status: 403,
    type: "permission_error",
    message: "This admin endpoint answers only on the loopback interface (kubectl port-forward)",
  },
  route_not_found: { status: 404, type: "not_found_error", message: "No route matches this request" },
  endpoint_not_found: {
    status: 404,
    type: "not_found_error",
    message: "The gateway does not serve this endpoint on this route",
  },
  model_not_found: { status: 404, type: "not_found_error", message: "The route does not serve this model" },
  method_not_allowed: {
    status: 405,
    type: "invalid_request_error",
    message: "This endpoint does not accept this HTTP method",
  },
  route_killed: {
    status: 404,
    type: "not_found_error",
    message: "The route serving this request was removed",
  },
  rate_limited: { status: 429, type: "rate_limit_error", message: "The provider is rate limiting requests" },
  // AgentgatewayPolicy refusals (gateway/src/policy/refusal.ts): OpenAI's own codes and types.
  rate_limit_exceeded: { status: 429, type: "requests", message: "Rate limit reached" },
  insufficient_quota: { status: 429, type: "insufficient_quota", message: "Budget exhausted" },
  price_unknown: {
    status: 400,
    type: "invalid_request_error",
    message: "No price is known for this model on a dollar budget",
  },
  limit_store_unavailable: {
    status: 503,
    type: "server_error",
    message: "The rate limit and budget store is unavailable",
  },
  no_backend: { status: 500, type: "server_error", message: "The route has no usable backend" },
  internal_error: { status: 500, type: "server_error", message: "Internal gateway error" },
  upstream_unreachable: { status: 502, type: "upstream_error", message: "The provider could not be reached" },
  upstream_credential_failed: {
    status: 502,
    type: "upstream_error",
    message: "The gateway could not obtain a credential for the provider",
  },
  upstream_interrupted: {
    status: 502,
    type: "upstream_error",
    message: "The provider closed the response before it was complete",
  },
  no_snapshot: { status: 503, type: "server_error", message: "The gateway has no configuration yet" },
  overloaded: {
    status: 503,
    type: "server_error",
    message: "The gateway is at its limit of concurrent requests; retry later",
  },
  body_budget_exceeded: {
    status: 503,
    type: "server_error",
    message: "The gateway is holding too many request bodies; retry later",
  },
  upstream_timeout: { status: 504, type: "timeout_error", message: "The provider did not answer in time" },
  client_disconnected: { status: 499, type: "client_error", message: "The client closed the request" },
  provider_error: { status: 0, type: "provider_error", message: "The provider rejected the request" },
} as const satisfies Record<string, CatalogueEntry>;

export type ErrorCode = keyof typeof ERRORS;

/** Reason label of a successful request. */
export const REASON_OK = "ok";

export interface ErrorBody {
  error: { message: string; type: string; code: ErrorCode };
}

/** A gateway-made error travelling through the pipeline until it is written to the client. */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Extra response headers (e.g. Retry-After on rate_limited). Never carry secrets. */
  readonly headers: Readonly<Record<string, string>>;
  /** Overrides the catalogue message (already scrubbed by the caller). */
  readonly publicMessage: string;
  /** The client's API shape: "anthropic" answers in Anthropic's error format. */
  readonly format: "openai" | "anthropic";

  constructor(
    code: ErrorCode,
    opts: {
      status?: number;
      message?: string;
      headers?: Record<string, string>;
      cause?: unknown;
      format?: "openai" | "anthropic";
    } = {},
  ) {
    const entry: CatalogueEntry = ERRORS[code];
    super(opts.message ?? entry.message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = "GatewayError";
    this.code = code;
    this.status = opts.status ?? (entry.status || 502);
    this.headers = opts.headers ?? {};
    this.publicMessage = opts.message ?? entry.message;
    this.format = opts.format ?? "openai";
  }

  body(): ErrorBody {
    return errorBody(this.code, this.publicMessage);
  }

  /** What is written to the client: OpenAI's shape, or Anthropic's for Anthropic-format clients. */
  wireBody(): ErrorBody | AnthropicErrorBody {
    if (this.format === "openai") return this.body();
    return { type: "error", error: { type: anthropicType(this.status), message: this.publicMessage } };
  }
}

export interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string };
}

function anthropicType(status: number): string {
  if (status === 429) return "rate_limit_error";
  if (status === 400) return "invalid_request_error";
  if (status === 401) return "authentication_error";
  if (status === 503) return "overloaded_error";
  return "api_error";
}

export function errorBody(code: ErrorCode, message?: string): ErrorBody {
  const entry: CatalogueEntry = ERRORS[code];
  return { error: { message: message ?? entry.message, type: entry.type, code } };
}

export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError;
}
