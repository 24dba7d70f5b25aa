// Google Vertex AI: two publishers behind one backend, chosen by the model (translate/vertex.ts).
//   Gemini models  → /v1/projects/{p}/locations/{r}/publishers/google/models/{m}:generateContent,
//                    :streamGenerateContent?alt=sse, or :countTokens; the Gemini body unchanged
//                    (countTokens: a generateContentRequest wrapper is unwrapped).
//   Claude models  → .../publishers/anthropic/models/{m}:rawPredict or :streamRawPredict; the
//                    Messages body without `model` and with anthropic_version vertex-2023-10-16.
// The model: the backend's, else the one in a Gemini path, else the body's. Requests in another
// API family arrive here already translated (pipeline/translate.ts) into the publisher's family.
// Usage and stream events are read in the shape the answer has (Gemini's usageMetadata, or
// Anthropic's typed events).
import { GatewayError } from "../errors.ts";
import { toVertexAnthropicBody, vertexPath, vertexPublisher } from "../translate/vertex.ts";
import { anthropic } from "./anthropic.ts";
import { gemini, parseGeminiPath } from "./gemini.ts";
import { commonErrorMessage, field, isObject, str } from "./json.ts";
import { openAiErrorEvent } from "./openai-format.ts";
import type { AdapterInput, JsonObject, ProviderAdapter, StreamState, UpstreamPlan, Usage } from "./types.ts";

/** Gemini model methods Vertex serves on the google publisher path. */
const GOOGLE_METHODS = new Set(["generateContent", "streamGenerateContent", "countTokens"]);

/** The model a request to a Vertex backend is for (undefined: none anywhere). */
export function vertexModel(input: Pick<AdapterInput, "provider" | "path" | "body">): string | undefined {
  return input.provider.model ?? parseGeminiPath(input.path)?.model ?? str(input.body, "model");
}

function plan(input: AdapterInput): UpstreamPlan | GatewayError {
  const vertex = input.provider.vertex;
  if (!vertex) return new GatewayError("internal_error");
  const model = vertexModel(input);
  if (model === undefined || model === "") {
    return new GatewayError("invalid_request", { message: "Vertex AI request without a model" });
  }
  const loc = { project: vertex.projectId, location: vertex.region };
  const body = isObject(input.body) ? input.body : undefined;
  if (vertexPublisher(model) === "anthropic") {
    if (input.path.endsWith("/count_tokens")) {
      return new GatewayError("endpoint_not_found", {
        message: "count_tokens is not served for Claude models on Vertex AI backends",
      });
    }
    if (!body) return new GatewayError("invalid_request", { message: "Request body must be a JSON object" });
    const streaming = body.stream === true;
    return {
      path: input.provider.path ?? vertexPath(loc, model, streaming),
      body: toVertexAnthropicBody(body),
      replaceBody: true,
      streaming,
      operation: "chat",
      requestModel: model,
      headers: {},
      stripUsageChunk: false,
    };
  }
  const fromPath = parseGeminiPath(input.path);
  const streaming = fromPath?.method === "streamGenerateContent" || input.query.get("alt") === "sse";
  const method = streaming ? "streamGenerateContent" : (fromPath?.method ?? "generateContent");
  if (!GOOGLE_METHODS.has(method)) {
    return new GatewayError("endpoint_not_found", {
      message: `${method} is not served for Gemini models on Vertex AI backends`,
    });
  }
  const path =
    method === "countTokens"
      ? vertexPath(loc, model, false).replace(/:generateContent$/, ":countTokens")
      : vertexPath(loc, model, streaming);
  // Vertex's countTokens takes contents/systemInstruction/tools at the top level, not the Gemini
  // API's generateContentRequest wrapper (which the Anthropic count_tokens translation produces)
  const wrapped = method === "countTokens" ? field(body, "generateContentRequest") : undefined;
  const countBody = isObject(wrapped) ? withoutModel(wrapped) : undefined;
  return {
    path: input.provider.path ?? path,
    body: countBody,
    ...(countBody ? { replaceBody: true } : {}),
    streaming,
    operation: method === "countTokens" ? undefined : "generate_content",
    requestModel: model,
    headers: {},
    stripUsageChunk: false,
  };
}

function withoutModel(o: JsonObject): JsonObject {
  const { model: _model, ...rest } = o;
  return rest;
}

/** Anthropic answers are typed ({"type":"message"} or stream events); Gemini's are not. */
function isAnthropicShape(json: unknown): boolean {
  return typeof str(json, "type") === "string";
}

function usageFromJson(json: unknown): Usage {
  return isAnthropicShape(json) ? anthropic.usageFromJson(json) : gemini.usageFromJson(json);
}

function onStreamEvent(
  ev: Parameters<ProviderAdapter["onStreamEvent"]>[0],
  json: unknown,
  state: StreamState,
) {
  return isAnthropicShape(json)
    ? anthropic.onStreamEvent(ev, json, state)
    : gemini.onStreamEvent(ev, json, state);
}

export const vertexai: ProviderAdapter = {
  kind: "vertexai",
  otelName: "gcp.vertex_ai",
  plan,
  usageFromJson,
  onStreamEvent,
  isInjectedUsageEvent: () => false,
  // not used: a failed Vertex stream is ended in the client's own format (pipeline/exchange.ts)
  streamErrorEvent: openAiErrorEvent,
  errorMessage: commonErrorMessage,
};
