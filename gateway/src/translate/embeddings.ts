// OpenAI embeddings (client side) <-> Gemini batchEmbedContents (provider side). Written from the
// OpenAI embeddings reference (create: input string | string[] | token ids, model, encoding_format
// float | base64, dimensions, user; the list object with data[].embedding and usage) and the Gemini
// API reference (models.batchEmbedContents: requests[] of EmbedContentRequest {model
// "models/{model}", content.parts[].text, outputDimensionality}; the answer embeddings[].values).
// Token ids cannot be translated (another tokenizer's ids mean nothing to Gemini): 400 naming
// `input`. `user` has no Gemini counterpart: refused unless the route drops such fields.
import { isObject, num, str } from "../providers/json.ts";
import type { JsonObject } from "./neutral.ts";
import { TranslationError } from "./neutral.ts";

const KNOWN = new Set(["input", "model", "encoding_format", "dimensions", "user"]);
/** Gemini takes at most this many texts in one batchEmbedContents call. */
export const MAX_GEMINI_BATCH = 100;

export interface EmbeddingsRequest {
  model: string | undefined;
  inputs: string[];
  dimensions: number | undefined;
  base64: boolean;
}

/** An OpenAI embeddings request -> what any provider needs. Throws TranslationError. */
export function parseEmbeddingsRequest(body: JsonObject, drop = false): EmbeddingsRequest {
  for (const key of Object.keys(body)) {
    if (body[key] === null || body[key] === undefined) continue;
    if ((!KNOWN.has(key) || key === "user") && !drop)
      throw new TranslationError(key, "cannot be translated to this backend's API");
  }
  const input = body.input;
  let inputs: string[];
  if (typeof input === "string") inputs = [input];
  else if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === "string"))
    inputs = input as string[];
  else if (Array.isArray(input) && input.length > 0)
    throw new TranslationError(
      "input",
      "must be a string or an array of strings for this backend (token ids cannot be translated)",
    );
  else throw new TranslationError("input", "must be a non-empty string or array of strings");
  if (inputs.length > MAX_GEMINI_BATCH)
    throw new TranslationError("input", `may hold at most ${MAX_GEMINI_BATCH} texts for this backend`);
  const format = body.encoding_format;
  if (format !== undefined && format !== null && format !== "float" && format !== "base64")
    throw new TranslationError("encoding_format", "must be 'float' or 'base64'");
  const dimensions = num(body, "dimensions");
  if (body.dimensions !== undefined && body.dimensions !== null) {
    if (dimensions === undefined || !Number.isInteger(dimensions) || dimensions < 1)
      throw new TranslationError("dimensions", "must be a positive integer");
  }
  return { model: str(body, "model"), inputs, dimensions, base64: format === "base64" };
}

/** The Gemini batchEmbedContents body for `model` (the model in the path). */
export function toBatchEmbedRequest(req: EmbeddingsRequest, model: string): JsonObject {
  return {
    requests: req.inputs.map((text) => ({
      model: `models/${model}`,
      content: { parts: [{ text }] },
      ...(req.dimensions !== undefined ? { outputDimensionality: req.dimensions } : {}),
    })),
  };
}

function encode(values: number[], base64: boolean): number[] | string {
  if (!base64) return values;
  const f = Float32Array.from(values);
  return Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString("base64");
}

/**
 * A Gemini batchEmbedContents answer -> the OpenAI list object. Gemini reports no token usage for
 * embeddings (unless a usageMetadata is present): usage is then 0, never a guess.
 */
export function toEmbeddingsResponse(json: unknown, req: EmbeddingsRequest, model: string): JsonObject {
  const list = isObject(json) && Array.isArray(json.embeddings) ? json.embeddings : [];
  const data = list.map((e, index) => {
    const values =
      isObject(e) && Array.isArray(e.values) ? e.values.filter((v) => typeof v === "number") : [];
    return { object: "embedding", index, embedding: encode(values as number[], req.base64) };
  });
  const prompt = num(isObject(json) ? json.usageMetadata : undefined, "promptTokenCount") ?? 0;
  return { object: "list", data, model, usage: { prompt_tokens: prompt, total_tokens: prompt } };
}
