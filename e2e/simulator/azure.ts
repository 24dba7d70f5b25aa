// Azure OpenAI: /openai/deployments/{deployment}/chat/completions and …/embeddings, with the
// `api-version` query parameter required (404 without it, as Azure does). The deployment name is
// the response's model. The v1 API: /openai/v1/{chat/completions,embeddings,responses} (Azure AI
// Foundry: /api/projects/{project}/openai/v1/...), no api-version, the model required in the body.
import { errorReply } from "./errors.ts";
import { ChatRequestSchema, chatCompletion } from "./openai-chat.ts";
import { EmbeddingsRequestSchema, embeddings } from "./openai-embeddings.ts";
import { ResponsesRequestSchema, responses } from "./openai-responses.ts";
import type { Reply } from "./reply.ts";
import { type HandlerInput, parseBody, type Route } from "./route.ts";

function withApiVersion(input: HandlerInput, answer: (deployment: string) => Reply): Reply {
  if (!input.query["api-version"]) return errorReply("azure", "missing_api_version");
  return answer(input.params[0] ?? "");
}

const V1 = "(?:/openai/v1|/api/projects/[^/]+/openai/v1)";

/** The v1 API reads the model from the body: a request without one is 400, as at Azure. */
function modelOf(body: unknown): string | undefined {
  const m = typeof body === "object" && body !== null ? (body as { model?: unknown }).model : undefined;
  return typeof m === "string" && m !== "" ? m : undefined;
}

export const azureV1Routes: Route[] = [
  {
    provider: "azure",
    method: "POST",
    pattern: new RegExp(`^${V1}/chat/completions$`),
    handle: (input) => {
      const model = modelOf(input.body);
      if (!model)
        return errorReply("azure", "invalid_request", { detail: "'model': required by the v1 API" });
      const p = parseBody("azure", ChatRequestSchema, input.body);
      return p.ok ? chatCompletion(p.value, model, input) : p.reply;
    },
  },
  {
    provider: "azure",
    method: "POST",
    pattern: new RegExp(`^${V1}/embeddings$`),
    handle: (input) => {
      const model = modelOf(input.body);
      if (!model)
        return errorReply("azure", "invalid_request", { detail: "'model': required by the v1 API" });
      const p = parseBody("azure", EmbeddingsRequestSchema, input.body);
      return p.ok ? embeddings(p.value, model) : p.reply;
    },
  },
  {
    provider: "azure",
    method: "POST",
    pattern: new RegExp(`^${V1}/responses$`),
    handle: (input) => {
      if (!modelOf(input.body))
        return errorReply("azure", "invalid_request", { detail: "'model': required by the v1 API" });
      const p = parseBody("azure", ResponsesRequestSchema, input.body);
      return p.ok ? responses(p.value, input) : p.reply;
    },
  },
];

export const azureRoutes: Route[] = [
  ...azureV1Routes,
  {
    provider: "azure",
    method: "POST",
    pattern: /^\/openai\/deployments\/([^/]+)\/chat\/completions$/,
    handle: (input) =>
      withApiVersion(input, (deployment) => {
        const p = parseBody("azure", ChatRequestSchema, input.body);
        return p.ok ? chatCompletion(p.value, deployment, input) : p.reply;
      }),
  },
  {
    provider: "azure",
    method: "POST",
    pattern: /^\/openai\/deployments\/([^/]+)\/embeddings$/,
    handle: (input) =>
      withApiVersion(input, (deployment) => {
        const p = parseBody("azure", EmbeddingsRequestSchema, input.body);
        return p.ok ? embeddings(p.value, deployment) : p.reply;
      }),
  },
];
