// Anthropic /v1/messages/count_tokens (client side) for backends of other families. Written from
// the Anthropic reference (count tokens: model, messages, system, tools, tool_choice; answer
// {"input_tokens": N}) and the Gemini reference (models.countTokens with a generateContentRequest
// {model "models/{model}", contents, systemInstruction, tools, toolConfig}; answer totalTokens).
//   - Gemini backends: sent to the model's :countTokens, the provider's own count comes back.
//   - OpenAI-format backends have no token-count endpoint: the gateway answers itself, without a
//     provider call, counting the request as translated to Chat Completions with the o200k
//     tokenizer (gpt-tokenizer) the way OpenAI documents chat overhead: 3 tokens per message, 1 per
//     name, 3 to prime the reply; tool definitions count as their JSON text; an image counts 85
//     tokens (OpenAI's low-detail price: a lower bound). It is an estimate, said so in a header.

import { isObject, num } from "../providers/json.ts";
import { countTokens } from "../tokenizer.ts";
import { toGenerateRequest } from "./gemini-generate.ts";
import type { JsonObject, NeutralRequest } from "./neutral.ts";
import { toChatRequest } from "./openai-chat.ts";

const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING_TOKENS = 3;
const IMAGE_TOKENS = 85;

/** The Gemini countTokens body for `model`. */
export function toCountTokensRequest(req: NeutralRequest, model: string): JsonObject {
  const generate = toGenerateRequest(req);
  // a count has no output: sampling settings are not part of it
  delete generate.generationConfig;
  return { generateContentRequest: { model: `models/${model}`, ...generate } };
}

/** A Gemini countTokens answer -> Anthropic's. */
export function fromCountTokensResponse(json: unknown): JsonObject {
  return { input_tokens: num(json, "totalTokens") ?? 0 };
}

function contentTokens(content: unknown): number {
  if (typeof content === "string") return countTokens(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (!isObject(part)) continue;
    if (typeof part.text === "string") n += countTokens(part.text);
    else if (part.type === "image_url") n += IMAGE_TOKENS;
  }
  return n;
}

/** The gateway's own count of a request to an OpenAI-format backend (see the header). */
export function estimateChatInputTokens(req: NeutralRequest): number {
  const chat = toChatRequest(req);
  const messages = Array.isArray(chat.messages) ? chat.messages : [];
  let n = REPLY_PRIMING_TOKENS;
  for (const m of messages) {
    if (!isObject(m)) continue;
    n += TOKENS_PER_MESSAGE + contentTokens(m.content);
    if (typeof m.name === "string") n += TOKENS_PER_NAME + countTokens(m.name);
    if (Array.isArray(m.tool_calls)) n += countTokens(JSON.stringify(m.tool_calls));
  }
  if (Array.isArray(chat.tools) && chat.tools.length > 0) n += countTokens(JSON.stringify(chat.tools));
  return n;
}
