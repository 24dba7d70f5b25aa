// Vertex AI (provider side), ready for the Vertex backend: Gemini models take the Gemini body
// (translate/gemini-generate.ts) on the publisher path; Anthropic models take the Messages body
// (translate/anthropic-messages.ts) without `model` and with anthropic_version in the body.
// Written from the Vertex AI reference (projects.locations.publishers.models generateContent /
// streamGenerateContent, rawPredict / streamRawPredict) and Anthropic's "Claude on Vertex AI" page.
import type { JsonObject } from "./neutral.ts";

/** The anthropic_version Vertex requires in the body (instead of the anthropic-version header). */
export const VERTEX_ANTHROPIC_VERSION = "vertex-2023-10-16";

export type VertexPublisher = "google" | "anthropic";

/** Claude models are Anthropic's publisher on Vertex; everything else here is Google's (Gemini). */
export function vertexPublisher(model: string): VertexPublisher {
  return /^claude-/.test(model) ? "anthropic" : "google";
}

export interface VertexLocation {
  project: string;
  /** A region ("us-east5") or "global". */
  location: string;
}

/** The request path for a model (the host is {location}-aiplatform.googleapis.com, or aiplatform.googleapis.com for global). */
export function vertexPath(loc: VertexLocation, model: string, stream: boolean): string {
  const publisher = vertexPublisher(model);
  const method =
    publisher === "anthropic"
      ? stream
        ? "streamRawPredict"
        : "rawPredict"
      : stream
        ? "streamGenerateContent?alt=sse"
        : "generateContent";
  const p = encodeURIComponent;
  return `/v1/projects/${p(loc.project)}/locations/${p(loc.location)}/publishers/${publisher}/models/${p(model)}:${method}`;
}

/** A Messages body for Claude on Vertex: the model is in the path, the version in the body. */
export function toVertexAnthropicBody(messages: JsonObject): JsonObject {
  const { model: _model, ...rest } = messages;
  return { anthropic_version: VERTEX_ANTHROPIC_VERSION, ...rest };
}
