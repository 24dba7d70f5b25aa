// OpenAI Embeddings (also served for Azure deployments). Vectors are deterministic per input
// (seeded from its text) and unit length; `encoding_format: "base64"` (the openai SDK's default)
// returns little-endian float32 bytes in base64. Usage: prompt_tokens = total_tokens.
import { z } from "zod";
import { estimateInputTokens } from "./content.ts";
import type { Reply } from "./reply.ts";

export const DEFAULT_EMBEDDING_DIMENSIONS = 16;

export const EmbeddingsRequestSchema = z.object({
  model: z.string().min(1).optional(),
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int()).min(1)).min(1),
  ]),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.number().int().positive().max(8192).nullish(),
});

export type EmbeddingsRequest = z.infer<typeof EmbeddingsRequestSchema>;

type Item = string | number[];

function itemsOf(input: EmbeddingsRequest["input"]): Item[] {
  if (typeof input === "string") return [input];
  if (input.every((x) => typeof x === "number")) return [input as number[]];
  return input as Item[];
}

function promptTokens(items: Item[]): number {
  const texts = items.filter((i): i is string => typeof i === "string");
  const ids = items.reduce((n, i) => n + (typeof i === "string" ? 0 : i.length), 0);
  return texts.length > 0 ? estimateInputTokens(texts) + ids : ids;
}

/** FNV-1a of the item, then a small LCG: same input, same vector. */
export function embeddingOf(item: Item, dims: number): Float32Array {
  let h = 0x811c9dc5;
  const text = typeof item === "string" ? item : item.join(",");
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const v = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    h = (Math.imul(h, 1664525) + 1013904223) >>> 0;
    const x = h / 0xffffffff - 0.5;
    v[i] = x;
    norm += x * x;
  }
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let i = 0; i < dims; i++) v[i] = (v[i] ?? 0) * scale;
  return v;
}

export function embeddings(req: EmbeddingsRequest, model: string): Reply {
  const items = itemsOf(req.input);
  const dims = req.dimensions ?? DEFAULT_EMBEDDING_DIMENSIONS;
  const base64 = req.encoding_format === "base64";
  const data = items.map((item, index) => {
    const v = embeddingOf(item, dims);
    const embedding = base64
      ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64")
      : Array.from(v);
    return { object: "embedding", index, embedding };
  });
  const prompt = promptTokens(items);
  return {
    kind: "json",
    status: 200,
    body: { object: "list", data, model, usage: { prompt_tokens: prompt, total_tokens: prompt } },
  };
}
