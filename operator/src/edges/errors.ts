// The one catalogue of errors the operator process makes: HTTP errors of the snapshot stream
// (OpenAI-style bodies, like the proxy's), Kubernetes API failures, and startup/flag errors.
// Messages never carry secret values, tokens or response bodies of the API server.

export interface HttpErrorDef {
  status: number;
  type: string;
  message: string;
}

export const HTTP_ERRORS = {
  unauthorized: { status: 401, type: "authentication_error", message: "Invalid authentication" },
  forbidden: {
    status: 403,
    type: "permission_error",
    message: "This ServiceAccount may only subscribe to and ack its own Gateway",
  },
  auth_unavailable: {
    status: 503,
    type: "unavailable_error",
    message: "Cannot verify the token (TokenReview failed); retry later",
  },
  not_found: { status: 404, type: "invalid_request_error", message: "Not found" },
  method_not_allowed: { status: 405, type: "invalid_request_error", message: "Method not allowed" },
  bad_request: { status: 400, type: "invalid_request_error", message: "Invalid request" },
  request_too_large: { status: 413, type: "invalid_request_error", message: "Request body too large" },
  not_leader: {
    status: 503,
    type: "unavailable_error",
    message: "This operator replica is not the leader; retry against the operator Service",
  },
} as const satisfies Record<string, HttpErrorDef>;
export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** `{"error":{"message","type","code"}}` */
export function httpErrorBody(code: HttpErrorCode, detail?: string): string {
  const def = HTTP_ERRORS[code];
  const message = detail ? `${def.message}: ${detail}` : def.message;
  return JSON.stringify({ error: { message, type: def.type, code } });
}

/** A non-2xx answer (or a watch ERROR event) from the Kubernetes API. */
export class KubeApiError extends Error {
  readonly code = "kube_api_error";
  readonly status: number;
  readonly reason: string;
  constructor(method: string, path: string, status: number, reason: string) {
    super(`${method} ${path}: HTTP ${status}${reason ? ` ${reason}` : ""}`);
    this.name = "KubeApiError";
    this.status = status;
    this.reason = reason;
  }
}

export function isKubeStatus(err: unknown, status: number): boolean {
  return err instanceof KubeApiError && err.status === status;
}

/** Bad command line or missing startup input: the CLI prints the message and exits 2. */
export class ConfigError extends Error {
  readonly code = "config_error";
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Short, secret-free description of any thrown value, for logs. */
export function describeError(err: unknown): string {
  if (err instanceof KubeApiError) return err.message;
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === "string" ? `${err.name} ${code}: ${err.message}` : `${err.name}: ${err.message}`;
  }
  return String(err);
}
