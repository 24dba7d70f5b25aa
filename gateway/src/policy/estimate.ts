// What a request may cost before it is sent: input tokens counted with gpt-tokenizer (o200k) for
// OpenAI-format models, estimated elsewhere as one token per 3 characters (conservative for the
// Anthropic and Gemini tokenizers on English and code), plus the output the client allows
// (max_tokens, max_completion_tokens, max_output_tokens, generationConfig.maxOutputTokens) or
// DEFAULT_OUTPUT_RESERVATION when it sets none. Every string of the body except model/role counts.

import type { ProviderKind } from "../snapshot/schema.ts";
import { countTokens } from "../tokenizer.ts";

export const DEFAULT_OUTPUT_RESERVATION = 256;
const CHARS_PER_TOKEN_ESTIMATE = 3;
const SKIPPED_KEYS = new Set(["model", "role", "type"]);

export interface Estimate {
  inputTokens: number;
  outputTokens: number;
}

function collectText(v: unknown, out: string[], depth: number): void {
  if (depth > 32) return;
  if (typeof v === "string") out.push(v);
  else if (Array.isArray(v)) for (const x of v) collectText(x, out, depth + 1);
  else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) if (!SKIPPED_KEYS.has(k)) collectText(x, out, depth + 1);
  }
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined;
}

export function outputAllowance(body: Record<string, unknown>): number | undefined {
  const gen = body.generationConfig;
  return (
    positiveInt(body.max_completion_tokens) ??
    positiveInt(body.max_tokens) ??
    positiveInt(body.max_output_tokens) ??
    (typeof gen === "object" && gen !== null
      ? positiveInt((gen as Record<string, unknown>).maxOutputTokens)
      : undefined)
  );
}

export function estimateRequest(body: unknown, provider: ProviderKind): Estimate {
  const obj =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const parts: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k.startsWith("max_") || k === "generationConfig" || SKIPPED_KEYS.has(k)) continue;
    collectText(v, parts, 0);
  }
  const text = parts.join("\n");
  const openaiFormat = provider === "openai" || provider === "azureopenai";
  const inputTokens = openaiFormat
    ? countTokens(text) + 3 * parts.length
    : Math.ceil(text.length / CHARS_PER_TOKEN_ESTIMATE);
  return { inputTokens, outputTokens: outputAllowance(obj) ?? DEFAULT_OUTPUT_RESERVATION };
}
