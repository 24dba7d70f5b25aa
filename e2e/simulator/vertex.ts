// Google Vertex AI, from its REST reference (projects.locations.publishers.models) and Anthropic's
// "Claude on Vertex AI" page:
//   POST /v1/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent
//        ...:streamGenerateContent (?alt=sse: SSE, else a JSON array)          Gemini body
//        ...:countTokens  {contents, systemInstruction?, tools?, generationConfig?} -> {totalTokens}
//   POST /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{m}:rawPredict
//        ...:streamRawPredict                                                  Messages body
// Every call needs an access token the token endpoint issued (gcp-auth.ts): 401 UNAUTHENTICATED
// without a live one, 403 PERMISSION_DENIED for another project. The Claude body must carry
// anthropic_version "vertex-2023-10-16" and no `model` (it is in the path), and `stream` must
// match the method; otherwise it is validated exactly like the Messages API (anthropic.ts). The
// Gemini body is validated exactly like the Gemini API (gemini.ts).
import { z } from "zod";
import { type MessagesRequest, MessagesRequestSchema, messages } from "./anthropic.ts";
import { estimateInputTokens } from "./content.ts";
import { errorBody, errorReply } from "./errors.ts";
import { TOKEN_PATH } from "./gcp-auth.ts";
import { type GenerateRequest, GenerateRequestSchema, generate, promptTokens } from "./gemini.ts";
import { type JsonReply, json } from "./reply.ts";
import { type HandlerInput, parseBody, type Route } from "./route.ts";

export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

const VertexMessagesSchema = MessagesRequestSchema.omit({ model: true })
  .extend({ anthropic_version: z.literal(VERTEX_ANTHROPIC_VERSION) })
  .strict();

const MODELS = "^/v1/projects/([^/]+)/locations/([^/]+)/publishers";

// Vertex's CountTokensRequest: the request's fields at the top level (no generateContentRequest
// wrapper, unlike the Gemini API).
const VertexCountTokensSchema = GenerateRequestSchema.pick({
  contents: true,
  systemInstruction: true,
  tools: true,
  generationConfig: true,
}).strict();

/** The token check every Vertex AI call goes through, as Google's front end answers it. */
function refused(input: HandlerInput): JsonReply | undefined {
  const project = input.params[0] ?? "";
  const r = input.gcp.check(input.headers.authorization, project);
  if (!r) return undefined;
  return {
    kind: "json",
    status: r.status,
    body: errorBody("vertex", r.status, r.message),
    headers: { "x-sim-error": r.status === 401 ? "unauthenticated" : "permission_denied" },
  };
}

function claude(input: HandlerInput): JsonReply | ReturnType<typeof messages> {
  const denied = refused(input);
  if (denied) return denied;
  const p = parseBody("anthropic", VertexMessagesSchema, input.body);
  if (!p.ok) return p.reply;
  const streamMethod = input.params[3] === "streamRawPredict";
  if ((p.value.stream === true) !== streamMethod) {
    return errorReply("anthropic", "invalid_request", {
      detail: streamMethod
        ? "'stream': must be true for streamRawPredict"
        : "'stream': use streamRawPredict to stream",
    });
  }
  const { anthropic_version: _version, ...rest } = p.value;
  const req: MessagesRequest = { ...rest, model: input.params[2] ?? "" };
  return messages(req, input);
}

export const vertexRoutes: Route[] = [
  {
    provider: "vertex",
    method: "POST",
    pattern: new RegExp(`^${TOKEN_PATH}$`),
    handle: (input) => input.gcp.exchange(input.body, input.headers.host),
  },
  {
    provider: "vertex",
    method: "POST",
    pattern: new RegExp(`${MODELS}/google/models/([^/:]+):(generateContent|streamGenerateContent)$`),
    handle(input) {
      const denied = refused(input);
      if (denied) return denied;
      const p = parseBody("vertex", GenerateRequestSchema, input.body);
      if (!p.ok) return p.reply;
      return generate(p.value, input.params[2] ?? "", input.params[3] === "streamGenerateContent", input);
    },
  },
  {
    provider: "vertex",
    method: "POST",
    pattern: new RegExp(`${MODELS}/google/models/([^/:]+):countTokens$`),
    handle(input) {
      const denied = refused(input);
      if (denied) return denied;
      const p = parseBody("vertex", VertexCountTokensSchema, input.body);
      if (!p.ok) return p.reply;
      const tools = p.value.tools ? estimateInputTokens([JSON.stringify(p.value.tools)]) : 0;
      return json({ totalTokens: promptTokens(p.value as GenerateRequest) + tools });
    },
  },
  {
    provider: "vertex",
    method: "POST",
    pattern: new RegExp(`${MODELS}/anthropic/models/([^/:]+):(rawPredict|streamRawPredict)$`),
    handle: claude,
  },
];
