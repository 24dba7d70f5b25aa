// Anthropic Messages API: /v1/messages (count_tokens passes through), anthropic-version defaulted.
// Stream usage: input tokens in message_start, cumulative output tokens in message_delta.
import { commonErrorMessage, field, isObject, num, str, sumPresent } from "./json.ts";
import { withPathPrefix } from "./path-prefix.ts";
import type { AdapterInput, ProviderAdapter, StreamState, UpstreamPlan, Usage } from "./types.ts";

export const ANTHROPIC_VERSION = "2023-06-01";
const MESSAGES = "/v1/messages";
const COUNT_TOKENS = "/v1/messages/count_tokens";

function plan(input: AdapterInput): UpstreamPlan {
  const api = input.path.endsWith(COUNT_TOKENS) ? COUNT_TOKENS : MESSAGES;
  const path = input.provider.path ?? withPathPrefix(api, input.provider.pathPrefix);
  const body = isObject(input.body) ? input.body : undefined;
  let changed = false;
  if (body && input.provider.model !== undefined && body.model !== input.provider.model) {
    body.model = input.provider.model;
    changed = true;
  }
  const headers: Record<string, string> = {};
  if (input.header("anthropic-version") === undefined) headers["anthropic-version"] = ANTHROPIC_VERSION;
  const qs = input.query.toString();
  return {
    path: qs ? `${path}?${qs}` : path,
    body: changed ? body : undefined,
    streaming: body?.stream === true,
    operation: api === COUNT_TOKENS && input.provider.path === undefined ? undefined : "chat",
    requestModel: str(body, "model") ?? input.provider.model,
    headers,
    stripUsageChunk: false,
  };
}

function inputTokens(usage: unknown): number | undefined {
  return sumPresent(
    num(usage, "input_tokens"),
    num(usage, "cache_creation_input_tokens"),
    num(usage, "cache_read_input_tokens"),
  );
}

function usageFromJson(json: unknown): Usage {
  const usage = field(json, "usage");
  return {
    inputTokens: inputTokens(usage),
    outputTokens: num(usage, "output_tokens"),
    responseModel: str(json, "model"),
  };
}

function onStreamEvent(_ev: unknown, json: unknown, state: StreamState): boolean {
  const type = str(json, "type");
  if (type === "message_start") {
    const msg = field(json, "message");
    const input = inputTokens(field(msg, "usage"));
    if (input !== undefined) state.usage.inputTokens = input;
    const output = num(msg, "usage", "output_tokens");
    if (output !== undefined) state.usage.outputTokens = output;
    const model = str(msg, "model");
    if (model !== undefined) state.usage.responseModel = model;
    return false;
  }
  if (type === "message_delta") {
    const output = num(json, "usage", "output_tokens");
    if (output !== undefined) state.usage.outputTokens = output;
    const input = inputTokens(field(json, "usage"));
    if (input !== undefined && input > 0) state.usage.inputTokens = input;
    return false;
  }
  return type === "content_block_delta";
}

function streamErrorEvent(body: { message: string; type: string; code: string }): string {
  const payload = { type: "error", error: { type: body.type, message: body.message, code: body.code } };
  return `event: error\ndata: ${JSON.stringify(payload)}\n\n`;
}

export const anthropic: ProviderAdapter = {
  kind: "anthropic",
  otelName: "anthropic",
  plan,
  usageFromJson,
  onStreamEvent,
  isInjectedUsageEvent: () => false,
  streamErrorEvent,
  errorMessage: commonErrorMessage,
};
