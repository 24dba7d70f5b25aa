// Gemini native API: any request path (e.g. "/gemini") → /{apiVersion}/models/{model}:generateContent,
// or :streamGenerateContent?alt=sse when the client streams (its path ends with
// :streamGenerateContent, or it asked for alt=sse). The model lives in the path: the backend's model
// wins, else the one in the client's path.
import { GatewayError } from "../errors.ts";
import { commonErrorMessage, field, isObject, num, str, sumPresent } from "./json.ts";
import { openAiErrorEvent } from "./openai-format.ts";
import type { AdapterInput, ProviderAdapter, StreamState, UpstreamPlan, Usage } from "./types.ts";

const DEFAULT_API_VERSION = "v1beta";
const PATH_RE = /(?:^|\/)(v\d[a-z0-9]*)\/models\/([^/:]+):([A-Za-z]+)$/;
const EMBED_METHODS = new Set(["embedContent", "batchEmbedContents"]);

export function parseGeminiPath(
  path: string,
): { apiVersion: string; model: string; method: string } | undefined {
  const m = PATH_RE.exec(path);
  if (!m) return undefined;
  return { apiVersion: m[1] as string, model: decodeURIComponent(m[2] as string), method: m[3] as string };
}

function operation(method: string): string | undefined {
  if (method === "generateContent" || method === "streamGenerateContent") return "generate_content";
  if (EMBED_METHODS.has(method)) return "embeddings";
  return undefined;
}

function plan(input: AdapterInput): UpstreamPlan | GatewayError {
  const { provider } = input;
  const fromPath = parseGeminiPath(input.path);
  const model = provider.model ?? fromPath?.model;
  if (model === undefined) {
    return new GatewayError("invalid_request", { message: "Gemini request without a model" });
  }
  const streaming = fromPath?.method === "streamGenerateContent" || input.query.get("alt") === "sse";
  const method = streaming ? "streamGenerateContent" : (fromPath?.method ?? "generateContent");
  const apiVersion = provider.gemini?.apiVersion ?? fromPath?.apiVersion ?? DEFAULT_API_VERSION;
  const path = provider.path ?? `/${apiVersion}/models/${encodeURIComponent(model)}:${method}`;
  const query = new URLSearchParams(input.query);
  if (streaming) query.set("alt", "sse");
  const qs = query.toString();
  return {
    path: qs ? `${path}?${qs}` : path,
    body: undefined,
    streaming,
    operation: operation(method),
    requestModel: model,
    headers: {},
    stripUsageChunk: false,
  };
}

function usageFromJson(json: unknown): Usage {
  const meta = field(json, "usageMetadata");
  return {
    inputTokens: num(meta, "promptTokenCount"),
    outputTokens: sumPresent(num(meta, "candidatesTokenCount"), num(meta, "thoughtsTokenCount")),
    responseModel: str(json, "modelVersion"),
  };
}

function onStreamEvent(_ev: unknown, json: unknown, state: StreamState): boolean {
  if (!isObject(json)) return false;
  const u = usageFromJson(json);
  // usageMetadata is cumulative: the last chunk carrying it wins.
  if (u.inputTokens !== undefined) state.usage.inputTokens = u.inputTokens;
  if (u.outputTokens !== undefined) state.usage.outputTokens = u.outputTokens;
  if (u.responseModel !== undefined) state.usage.responseModel = u.responseModel;
  return Array.isArray(json.candidates) && json.candidates.length > 0;
}

export const gemini: ProviderAdapter = {
  kind: "gemini",
  otelName: "gcp.gemini",
  plan,
  usageFromJson,
  onStreamEvent,
  isInjectedUsageEvent: () => false,
  streamErrorEvent: openAiErrorEvent,
  errorMessage: commonErrorMessage,
};
