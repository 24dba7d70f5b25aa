// Azure OpenAI: /openai/deployments/{deployment}/{chat/completions|embeddings}?api-version=V. The
// deployment decides the model, so the body's model is left alone.
import { GatewayError } from "../errors.ts";
import { commonErrorMessage, isObject, str } from "./json.ts";
import {
  injectIncludeUsage,
  isOpenAiUsageOnlyChunk,
  openAiErrorEvent,
  openAiOperation,
  openAiStreamEvent,
  openAiUsageFromJson,
} from "./openai-format.ts";
import type { AdapterInput, ProviderAdapter, UpstreamPlan } from "./types.ts";

function plan(input: AdapterInput): UpstreamPlan | GatewayError {
  const { provider } = input;
  const op = /\/embeddings$/.test(input.path) ? "embeddings" : "chat/completions";
  let path = provider.path;
  if (path === undefined) {
    if (!provider.azure)
      return new GatewayError("no_backend", { message: "Azure provider without deployment" });
    path = `/openai/deployments/${encodeURIComponent(provider.azure.deploymentName)}/${op}`;
  }
  const query = new URLSearchParams(input.query);
  if (provider.azure) query.set("api-version", provider.azure.apiVersion);
  const body = isObject(input.body) ? input.body : undefined;
  const streaming = body?.stream === true;
  const strip =
    body !== undefined && streaming && path.endsWith("/chat/completions") && injectIncludeUsage(body);
  const qs = query.toString();
  return {
    path: qs ? `${path}?${qs}` : path,
    body: strip ? body : undefined,
    streaming,
    operation: openAiOperation(path),
    requestModel: provider.model ?? str(body, "model"),
    headers: {},
    stripUsageChunk: strip,
  };
}

export const azureopenai: ProviderAdapter = {
  kind: "azureopenai",
  otelName: "azure.ai.openai",
  plan,
  usageFromJson: openAiUsageFromJson,
  onStreamEvent: openAiStreamEvent,
  isInjectedUsageEvent: isOpenAiUsageOnlyChunk,
  streamErrorEvent: openAiErrorEvent,
  errorMessage: commonErrorMessage,
};
