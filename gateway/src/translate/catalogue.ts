// The endpoint catalogue: which API a request path names (path -> client format, operation, allowed
// methods). The path is looked at after any HTTPRoute rewrite; a route prefix in front of the API
// path ("/team-a/v1/chat/completions") is allowed. Nothing is rewritten silently:
//   - a known endpoint with a method it does not take is 405 (never forwarded);
//   - an OpenAI-style path the gateway does not know (/v1/audio/speech, /v1/files, ...) is 404;
//   - a path naming no API at all (a route's own prefix such as "/gemini") is the route's backend's
//     native generation endpoint (chat completions, messages or generateContent), POST only.
import { parseGeminiPath } from "../providers/gemini.ts";

/** The wire format a client speaks. */
export type ClientFormat = "openai" | "anthropic" | "gemini";

export type Operation =
  | "chat" // OpenAI Chat Completions
  | "responses" // OpenAI Responses
  | "embeddings" // OpenAI embeddings
  | "models" // GET /v1/models
  | "model" // GET /v1/models/{id}
  | "messages" // Anthropic Messages
  | "count_tokens" // Anthropic /v1/messages/count_tokens
  | "generate" // Gemini generateContent / streamGenerateContent
  | "gemini_other" // other Gemini model methods (countTokens, embedContent, ...): native only
  | "native" // the route's own path: the backend's native generation endpoint
  | "passthrough"; // an OpenAI path the gateway does not know, forwarded as is (route opt-in)

export interface Endpoint {
  format: ClientFormat;
  operation: Operation;
  methods: readonly string[];
  /** The API part of the path ("/v1/chat/completions"), for the upstream. */
  apiPath: string;
  /** For "model": the model id in the path. */
  modelId?: string;
}

export type Classified =
  | { kind: "endpoint"; endpoint: Endpoint }
  | { kind: "unknown"; format: ClientFormat; apiPath: string };

const POST = ["POST"] as const;
const GET = ["GET"] as const;

const OPENAI_PATHS: Record<
  string,
  { format: ClientFormat; operation: Operation; methods: readonly string[] }
> = {
  "/v1/chat/completions": { format: "openai", operation: "chat", methods: POST },
  "/v1/responses": { format: "openai", operation: "responses", methods: POST },
  "/v1/embeddings": { format: "openai", operation: "embeddings", methods: POST },
  "/v1/models": { format: "openai", operation: "models", methods: GET },
  "/v1/messages": { format: "anthropic", operation: "messages", methods: POST },
  "/v1/messages/count_tokens": { format: "anthropic", operation: "count_tokens", methods: POST },
};

const AZURE_RE = /\/openai\/deployments\/[^/]+\/(chat\/completions|embeddings)$/;

/** Paths up to this length have their answer kept (at most CLASSIFIED_MAX of them). */
const CLASSIFIED_PATH_MAX = 256;
const CLASSIFIED_MAX = 1024;
/** Recent answers: every request asks twice, and a gateway serves few distinct paths. A flood of distinct paths only empties it. */
const classified = new Map<string, Classified>();

/** What a (rewritten) request path names. Pure; no route or method involved. The answer is frozen. */
export function classifyPath(path: string): Classified {
  let c = classified.get(path);
  if (c !== undefined) return c;
  c = classifyFresh(path);
  if (c.kind === "endpoint") Object.freeze(c.endpoint);
  Object.freeze(c);
  if (path.length <= CLASSIFIED_PATH_MAX) {
    if (classified.size >= CLASSIFIED_MAX) classified.clear();
    classified.set(path, c);
  }
  return c;
}

function classifyFresh(path: string): Classified {
  const gemini = parseGeminiPath(path);
  if (gemini) {
    const generate = gemini.method === "generateContent" || gemini.method === "streamGenerateContent";
    return {
      kind: "endpoint",
      endpoint: {
        format: "gemini",
        operation: generate ? "generate" : "gemini_other",
        methods: POST,
        apiPath: path.slice(path.indexOf(`/${gemini.apiVersion}/models/`)),
      },
    };
  }
  const azure = AZURE_RE.exec(path);
  if (azure) {
    const operation: Operation = azure[1] === "embeddings" ? "embeddings" : "chat";
    return { kind: "endpoint", endpoint: { format: "openai", operation, methods: POST, apiPath: path } };
  }
  const v1 = apiStart(path);
  if (v1 === -1)
    return {
      kind: "endpoint",
      endpoint: { format: "openai", operation: "native", methods: POST, apiPath: path },
    };
  const apiPath = path.slice(v1);
  const known = OPENAI_PATHS[apiPath];
  if (known) return { kind: "endpoint", endpoint: { ...known, apiPath } };
  const model = /^\/v1\/models\/([^/]+)$/.exec(apiPath);
  if (model) {
    const modelId = safeDecode(model[1] as string);
    return {
      kind: "endpoint",
      endpoint: { format: "openai", operation: "model", methods: GET, apiPath, modelId },
    };
  }
  return { kind: "unknown", format: apiPath.startsWith("/v1/messages") ? "anthropic" : "openai", apiPath };
}

/** Index of the "/v1" segment that starts the API path, or -1 (the last one that is followed by more). */
function apiStart(path: string): number {
  if (path === "/v1" || path.endsWith("/v1")) return path.length - 3;
  const i = path.lastIndexOf("/v1/");
  if (i === -1) return -1;
  // "/team/v1/chat/completions": take the earliest /v1/ that names a known endpoint
  const first = path.indexOf("/v1/");
  for (let j = first; j !== -1; j = path.indexOf("/v1/", j + 1)) {
    const rest = path.slice(j);
    if (OPENAI_PATHS[rest] || /^\/v1\/models\/[^/]+$/.test(rest)) return j;
  }
  return first;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Methods a passed-through OpenAI path may use (OpenAI's API has no PUT or PATCH). */
export const PASSTHROUGH_METHODS: readonly string[] = ["GET", "POST", "DELETE"];

/** The client format a path suggests before any route matched (for the shape of early errors). */
export function errorFormatOf(path: string): ClientFormat {
  const c = classifyPath(path);
  return c.kind === "endpoint" ? c.endpoint.format : c.format;
}
