// OpenAI (and OpenAI-compatible servers). /v1/... paths keep their endpoint (the endpoint catalogue
// decides beforehand which ones may come here); a path with no API in it (a route on "/openai",
// say) is the route's native endpoint, /v1/chat/completions. The backend's model overrides or fills the body's.
import { commonErrorMessage, isObject, str } from "./json.ts";
import {
  injectIncludeUsage,
  isOpenAiUsageOnlyChunk,
  openAiErrorEvent,
  openAiOperation,
  openAiStreamEvent,
  openAiUsageFromJson,
} from "./openai-format.ts";
import { withPathPrefix } from "./path-prefix.ts";
import type { AdapterInput, ProviderAdapter, UpstreamPlan } from "./types.ts";

const ENDPOINTS = ["/v1/chat/completions", "/v1/models", "/v1/embeddings", "/v1/responses"];
const CHAT = "/v1/chat/completions";

function isKnown(path: string): boolean {
  return ENDPOINTS.some((e) => path === e || path.startsWith(`${e}/`));
}

/** Client path → OpenAI path ("/team/v1/embeddings" keeps its endpoint, "/openai" → chat). */
export function openAiPath(path: string): string {
  if (isKnown(path)) return path;
  const v1 = path.lastIndexOf("/v1/");
  if (v1 > 0 && isKnown(path.slice(v1))) return path.slice(v1);
  // an OpenAI path the gateway's endpoint catalogue let through (a route that passes them through)
  if (v1 >= 0) return path.slice(v1);
  return CHAT;
}

function plan(input: AdapterInput): UpstreamPlan {
  const path = input.provider.path ?? withPathPrefix(openAiPath(input.path), input.provider.pathPrefix);
  const body = isObject(input.body) ? input.body : undefined;
  let changed = false;
  if (body && input.provider.model !== undefined && body.model !== input.provider.model) {
    body.model = input.provider.model;
    changed = true;
  }
  const streaming = body?.stream === true;
  let strip = false;
  if (body && streaming && path.endsWith("/chat/completions")) {
    strip = injectIncludeUsage(body);
    changed ||= strip;
  }
  const qs = input.query.toString();
  return {
    path: qs ? `${path}?${qs}` : path,
    body: changed ? body : undefined,
    streaming,
    operation: openAiOperation(path),
    requestModel: str(body, "model") ?? input.provider.model,
    headers: {},
    stripUsageChunk: strip,
  };
}

export const openai: ProviderAdapter = {
  kind: "openai",
  otelName: "openai",
  plan,
  usageFromJson: openAiUsageFromJson,
  onStreamEvent: openAiStreamEvent,
  isInjectedUsageEvent: isOpenAiUsageOnlyChunk,
  streamErrorEvent: openAiErrorEvent,
  errorMessage: commonErrorMessage,
};
