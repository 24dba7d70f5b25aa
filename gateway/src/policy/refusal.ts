// The 429 a refused request gets, in the shape SDKs understand. Rate limits: OpenAI's
// `rate_limit_exceeded` with Retry-After and x-ratelimit-* headers (the SDK waits and retries).
// Budgets: `insufficient_quota` with `x-should-retry: false` (the official SDKs then do not retry:
// retrying cannot help until the period ends). /v1/messages clients get Anthropic's error shape.
import { GatewayError } from "../errors.ts";
import type { LimitConfig } from "../snapshot/schema.ts";

export function refusal(
  limit: LimitConfig,
  value: number,
  amount: number,
  resetInMs: number,
  format: "openai" | "anthropic",
): GatewayError {
  const resetS = Math.max(1, Math.ceil(resetInMs / 1000));
  const remaining = Math.max(0, limit.limit - value);
  const what = limit.unit === "microdollars" ? "US dollar budget" : limit.unit;
  if (limit.class === "budget") {
    return new GatewayError("insufficient_quota", {
      message: `Budget exhausted: this request needs ${amount} ${limit.unit} of the ${what} and ${remaining} are left until the period ends (policy limit ${limit.id})`,
      headers: { "x-should-retry": "false" },
      format,
    });
  }
  const kind = limit.unit === "requests" ? "requests" : "tokens";
  return new GatewayError("rate_limit_exceeded", {
    message: `Rate limit reached: ${limit.limit} ${limit.unit} per ${limit.window.toLowerCase()}, ${remaining} left; retry in ${resetS}s (policy limit ${limit.id})`,
    headers: {
      "retry-after": String(resetS),
      [`x-ratelimit-limit-${kind}`]: String(limit.limit),
      [`x-ratelimit-remaining-${kind}`]: String(remaining),
      [`x-ratelimit-reset-${kind}`]: `${resetS}s`,
    },
    format,
  });
}
