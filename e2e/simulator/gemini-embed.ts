// Gemini: POST /{apiVersion}/models/{model}:embedContent, :batchEmbedContents and :countTokens, as
// strict as the Gemini API. Each batch entry names its model ("models/{model}") and it must be the
// one in the path; an embedding model only embeds and a generation model only counts (the
// supportedGenerationMethods of models.ts). Vectors are deterministic per text (as for OpenAI) and
// `outputDimensionality` long. countTokens takes either `contents` or a whole
// `generateContentRequest` (with its model), never both.
import { z } from "zod";
import { estimateInputTokens, textOf } from "./content.ts";
import { errorReply } from "./errors.ts";
import { GeminiContent, GenerateRequestSchema, promptTokens } from "./gemini.ts";
import { DEFAULT_EMBEDDING_DIMENSIONS, embeddingOf } from "./openai-embeddings.ts";
import type { Reply } from "./reply.ts";
import { parseBody, type Route } from "./route.ts";

const TASK_TYPES = [
  "TASK_TYPE_UNSPECIFIED",
  "RETRIEVAL_QUERY",
  "RETRIEVAL_DOCUMENT",
  "SEMANTIC_SIMILARITY",
  "CLASSIFICATION",
  "CLUSTERING",
  "QUESTION_ANSWERING",
  "FACT_VERIFICATION",
  "CODE_RETRIEVAL_QUERY",
] as const;

const EmbedContentRequest = z
  .object({
    model: z.string().regex(/^models\/[^/]+$/),
    content: GeminiContent,
    taskType: z.enum(TASK_TYPES).optional(),
    title: z.string().optional(),
    outputDimensionality: z.number().int().positive().max(3072).optional(),
  })
  .strict();
type EmbedContentRequest = z.infer<typeof EmbedContentRequest>;

const SingleEmbedRequest = EmbedContentRequest.extend({ model: z.string().optional() }).strict();
const BatchEmbedRequest = z.object({ requests: z.array(EmbedContentRequest).min(1).max(100) }).strict();
const CountTokensRequest = z
  .object({
    contents: z.array(GeminiContent).optional(),
    generateContentRequest: GenerateRequestSchema.extend({ model: z.string().regex(/^models\/[^/]+$/) })
      .strict()
      .optional(),
  })
  .strict()
  .refine((r) => (r.contents === undefined) !== (r.generateContentRequest === undefined), {
    message: "exactly one of contents and generateContentRequest must be set",
  });

const isEmbeddingModel = (model: string) => model.includes("embedding");

function vector(req: Omit<EmbedContentRequest, "model">): { values: number[] } {
  const text = textOf(req.content.parts).join("\n");
  return { values: Array.from(embeddingOf(text, req.outputDimensionality ?? DEFAULT_EMBEDDING_DIMENSIONS)) };
}

function wrongMethod(model: string, method: string): Reply {
  return errorReply("gemini", "invalid_request", {
    detail: `models/${model} is not supported for ${method}`,
  });
}

export const geminiEmbedRoutes: Route[] = [
  {
    provider: "gemini",
    method: "POST",
    pattern: /^\/(v\d+\w*)\/models\/([^/:]+):(embedContent|batchEmbedContents)$/,
    handle(input) {
      const model = input.params[1] ?? "";
      if (!isEmbeddingModel(model)) return wrongMethod(model, input.params[2] ?? "");
      if (input.params[2] === "embedContent") {
        const p = parseBody("gemini", SingleEmbedRequest, input.body);
        if (!p.ok) return p.reply;
        return { kind: "json", status: 200, body: { embedding: vector(p.value) } };
      }
      const p = parseBody("gemini", BatchEmbedRequest, input.body);
      if (!p.ok) return p.reply;
      const other = p.value.requests.find((r) => r.model !== `models/${model}`);
      if (other)
        return errorReply("gemini", "invalid_request", {
          detail: `Model names in the requests must match the model in the path (models/${model})`,
        });
      return { kind: "json", status: 200, body: { embeddings: p.value.requests.map(vector) } };
    },
  },
  {
    provider: "gemini",
    method: "POST",
    pattern: /^\/(v\d+\w*)\/models\/([^/:]+):countTokens$/,
    handle(input) {
      const model = input.params[1] ?? "";
      if (isEmbeddingModel(model)) return wrongMethod(model, "countTokens");
      const p = parseBody("gemini", CountTokensRequest, input.body);
      if (!p.ok) return p.reply;
      const g = p.value.generateContentRequest;
      if (g && g.model !== `models/${model}`)
        return errorReply("gemini", "invalid_request", {
          detail: `generateContentRequest.model must be the model in the path (models/${model})`,
        });
      const total = g
        ? promptTokens(g) + (g.tools ? estimateInputTokens([JSON.stringify(g.tools)]) : 0)
        : estimateInputTokens((p.value.contents ?? []).flatMap((c) => textOf(c.parts)));
      return { kind: "json", status: 200, body: { totalTokens: total } };
    },
  },
];
