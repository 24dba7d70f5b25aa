// Amazon Bedrock: the Converse API. Every client request arrives here already translated
// (pipeline/translate.ts → translate/bedrock-converse.ts) into a Converse body and the path
// /model/{modelId}/converse or /model/{modelId}/converse-stream; this adapter adds the backend's
// guardrail (guardrailConfig) and reads usage. The request is signed (SigV4) by the pipeline after
// the body is final (pipeline/aws-sigv4.ts). ConverseStream answers are AWS event-stream frames: the
// relay decodes them into {"<eventType>": payload} objects, which onStreamEvent reads here.
import { GatewayError } from "../errors.ts";
import { isObject, num, str } from "./json.ts";
import { openAiErrorEvent } from "./openai-format.ts";
import type { AdapterInput, ProviderAdapter, StreamState, UpstreamPlan, Usage } from "./types.ts";

const CONVERSE_PATH = /^\/model\/([^/]+)\/(converse|converse-stream)$/;

function plan(input: AdapterInput): UpstreamPlan | GatewayError {
  const m = CONVERSE_PATH.exec(input.path);
  if (!m || !isObject(input.body)) {
    return new GatewayError("endpoint_not_found", {
      message: "Bedrock backends serve chat completions, responses and messages (translated to Converse)",
    });
  }
  const guardrail = input.provider.bedrock?.guardrail;
  const body = guardrail
    ? {
        ...input.body,
        guardrailConfig: { guardrailIdentifier: guardrail.identifier, guardrailVersion: guardrail.version },
      }
    : input.body;
  return {
    path: input.provider.path ?? input.path,
    body,
    replaceBody: true,
    streaming: m[2] === "converse-stream",
    operation: "chat",
    requestModel: decodeURIComponent(m[1] ?? ""),
    headers: {
      accept: m[2] === "converse-stream" ? "application/vnd.amazon.eventstream" : "application/json",
    },
    stripUsageChunk: false,
  };
}

/** Converse usage: inputTokens counts only uncached input; cache reads and writes are input too. */
function usageOf(u: unknown): Usage {
  const out: Usage = {};
  const input = num(u, "inputTokens");
  if (input !== undefined)
    out.inputTokens = input + (num(u, "cacheReadInputTokens") ?? 0) + (num(u, "cacheWriteInputTokens") ?? 0);
  const output = num(u, "outputTokens");
  if (output !== undefined) out.outputTokens = output;
  return out;
}

function usageFromJson(json: unknown): Usage {
  return isObject(json) ? usageOf(json.usage) : {};
}

function onStreamEvent(_ev: unknown, json: unknown, state: StreamState): boolean {
  if (!isObject(json)) return false;
  if (isObject(json.metadata)) Object.assign(state.usage, usageOf(json.metadata.usage));
  const delta = isObject(json.contentBlockDelta) ? json.contentBlockDelta.delta : undefined;
  if (!isObject(delta)) return false;
  const content = str(delta, "text") !== undefined || isObject(delta.toolUse);
  if (content) state.sawContent = true;
  return content;
}

/** Bedrock error bodies: {"message": "..."} (the type travels in x-amzn-ErrorType). */
function errorMessage(json: unknown): string | undefined {
  return str(json, "message") ?? str(json, "Message");
}

export const bedrock: ProviderAdapter = {
  kind: "bedrock",
  otelName: "aws.bedrock",
  plan,
  usageFromJson,
  onStreamEvent,
  isInjectedUsageEvent: () => false,
  // not used: Bedrock answers are always translated, a failed stream ends in the client's format
  streamErrorEvent: openAiErrorEvent,
  errorMessage,
};
