// Azure OpenAI: /openai/deployments/{deployment}/chat/completions and …/embeddings, with the
// `api-version` query parameter required (404 without it, as Azure does). The deployment name is
// the response's model.
import { errorReply } from "./errors.ts";
import { ChatRequestSchema, chatCompletion } from "./openai-chat.ts";
import { EmbeddingsRequestSchema, embeddings } from "./openai-embeddings.ts";
import type { Reply } from "./reply.ts";
import { type HandlerInput, parseBody, type Route } from "./route.ts";

function withApiVersion(input: HandlerInput, answer: (deployment: string) => Reply): Reply {
  if (!input.query["api-version"]) return errorReply("azure", "missing_api_version");
  return answer(input.params[0] ?? "");
}

export const azureRoutes: Route[] = [
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
