// The OpenAI wire format, shared by OpenAI and Azure OpenAI: chat/embeddings/responses usage in JSON
// and in streams, stream_options injection, the usage-only chunk, and the error event.
import { field, isObject, num, str } from "./json.ts";
import type { SseEvent } from "./sse.ts";
import type { JsonObject, StreamState, Usage } from "./types.ts";

export function openAiOperation(upstreamPath: string): string | undefined {
  if (/\/embeddings$/.test(upstreamPath)) return "embeddings";
  if (/\/models(\/|$)/.test(upstreamPath)) return undefined;
  return "chat";
}

export function openAiUsageFromJson(json: unknown): Usage {
  const usage = field(json, "usage");
  return {
    // chat/embeddings use prompt/completion, the responses API input/output
    inputTokens: num(usage, "prompt_tokens") ?? num(usage, "input_tokens"),
    outputTokens: num(usage, "completion_tokens") ?? num(usage, "output_tokens"),
    responseModel: str(json, "model"),
  };
}

export function openAiStreamEvent(_ev: SseEvent, json: unknown, state: StreamState): boolean {
  if (!isObject(json)) return false;
  // Responses API: typed events; usage arrives with response.completed.
  const type = str(json, "type");
  if (type?.startsWith("response.")) {
    if (type === "response.completed" || type === "response.incomplete") {
      Object.assign(state.usage, stripUndefined(openAiUsageFromJson(field(json, "response"))));
    }
    return type === "response.output_text.delta";
  }
  if (isObject(json.usage)) Object.assign(state.usage, stripUndefined(openAiUsageFromJson(json)));
  else if (state.usage.responseModel === undefined && typeof json.model === "string") {
    state.usage.responseModel = json.model;
  }
  const choices = json.choices;
  if (!Array.isArray(choices)) return false;
  return choices.some((c) => {
    const content = field(c, "delta", "content");
    return (
      (typeof content === "string" && content.length > 0) || Array.isArray(field(c, "delta", "tool_calls"))
    );
  });
}

export function isOpenAiUsageOnlyChunk(json: unknown): boolean {
  return isObject(json) && Array.isArray(json.choices) && json.choices.length === 0 && isObject(json.usage);
}

/**
 * Ask a chat stream for usage when the client did not. Returns true when the gateway injected it
 * (the usage-only chunk must then be dropped from what the client receives).
 */
export function injectIncludeUsage(body: JsonObject): boolean {
  const opts = body.stream_options;
  if (isObject(opts) && opts.include_usage === true) return false;
  body.stream_options = { ...(isObject(opts) ? opts : {}), include_usage: true };
  return true;
}

export function openAiErrorEvent(body: { message: string; type: string; code: string }): string {
  return `data: ${JSON.stringify({ error: body })}\n\n`;
}

function stripUndefined(u: Usage): Usage {
  const out: Usage = {};
  if (u.inputTokens !== undefined) out.inputTokens = u.inputTokens;
  if (u.outputTokens !== undefined) out.outputTokens = u.outputTokens;
  if (u.responseModel !== undefined) out.responseModel = u.responseModel;
  return out;
}
