// OpenAI endpoints: /v1/chat/completions, /v1/embeddings, /v1/responses, /v1/models[/{id}].
import { z } from "zod";
import { openaiModelGet, openaiModelList } from "./models.ts";
import { ChatRequestSchema, chatCompletion } from "./openai-chat.ts";
import { EmbeddingsRequestSchema, embeddings } from "./openai-embeddings.ts";
import { ResponsesRequestSchema, responses } from "./openai-responses.ts";
import { parseBody, type Route } from "./route.ts";

const WithModel = z.object({ model: z.string().min(1) });

export const openaiRoutes: Route[] = [
  {
    provider: "openai",
    method: "POST",
    pattern: /^\/v1\/chat\/completions$/,
    handle(input) {
      const p = parseBody("openai", ChatRequestSchema.extend(WithModel.shape), input.body);
      return p.ok ? chatCompletion(p.value, p.value.model, input) : p.reply;
    },
  },
  {
    provider: "openai",
    method: "POST",
    pattern: /^\/v1\/embeddings$/,
    handle(input) {
      const p = parseBody("openai", EmbeddingsRequestSchema.extend(WithModel.shape), input.body);
      return p.ok ? embeddings(p.value, p.value.model) : p.reply;
    },
  },
  {
    provider: "openai",
    method: "POST",
    pattern: /^\/v1\/responses$/,
    handle(input) {
      const p = parseBody("openai", ResponsesRequestSchema, input.body);
      return p.ok ? responses(p.value, input) : p.reply;
    },
  },
  { provider: "openai", method: "GET", pattern: /^\/v1\/models$/, handle: () => openaiModelList() },
  {
    provider: "openai",
    method: "GET",
    pattern: /^\/v1\/models\/([^/]+)$/,
    handle: (input) => openaiModelGet(input.params[0] ?? ""),
  },
];
