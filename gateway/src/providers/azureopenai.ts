// Azure OpenAI (and Azure AI Foundry): two API shapes.
//   - apiVersion "v1" (the default): `${basePath}/{chat/completions|embeddings|responses}` with basePath
//     /openai/v1 (Foundry: /api/projects/{project}/openai/v1); the model travels in the body: the
//     provider's model, else the request's, else the deploymentName.
//   - a dated api-version: /openai/deployments/{deployment}/{chat/completions|embeddings}
//     ?api-version=V (Responses: /openai/responses?api-version=V); the deployment decides the model.
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

const DEFAULT_V1_BASE = "/openai/v1";

function operationPath(path: string): "chat/completions" | "embeddings" | "responses" {
  if (/\/embeddings$/.test(path)) return "embeddings";
  if (/\/responses$/.test(path)) return "responses";
  return "chat/completions";
}

function plan(input: AdapterInput): UpstreamPlan | GatewayError {
  const { provider } = input;
  const op = operationPath(input.path);
  const azure = provider.azure;
  const v1 = azure?.apiVersion === "v1";
  let path = provider.path;
  if (path === undefined) {
    if (!azure) return new GatewayError("no_backend", { message: "Azure provider without deployment" });
    if (v1) path = `${azure.basePath ?? DEFAULT_V1_BASE}/${op}`;
    else if (op === "responses") path = "/openai/responses";
    else if (azure.deploymentName !== undefined)
      path = `/openai/deployments/${encodeURIComponent(azure.deploymentName)}/${op}`;
    else return new GatewayError("no_backend", { message: "Azure provider without deployment" });
  }
  const query = new URLSearchParams(input.query);
  if (azure && !v1) query.set("api-version", azure.apiVersion);
  const body = isObject(input.body) ? input.body : undefined;
  let changed = false;
  if (body && v1) {
    // the v1 API reads the model from the body
    const model = provider.model ?? str(body, "model") ?? azure?.deploymentName;
    if (model !== undefined && body.model !== model) {
      body.model = model;
      changed = true;
    }
  }
  const streaming = body?.stream === true;
  const strip =
    body !== undefined && streaming && path.endsWith("/chat/completions") && injectIncludeUsage(body);
  const qs = query.toString();
  return {
    path: qs ? `${path}?${qs}` : path,
    body: strip || changed ? body : undefined,
    streaming,
    operation: openAiOperation(path),
    requestModel: provider.model ?? str(body, "model") ?? azure?.deploymentName,
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
