// US dollar prices per million tokens, to turn a request into a cost for dollar budgets. A policy's
// `spec.prices` come first, then this built-in table. Prices are integer microdollars per million
// tokens, so a cost is an integer number of microdollars (rounded up) and counters never drift.
//
// SOURCE of the built-in table: the providers' public price pages (OpenAI "API pricing", Anthropic
// "Pricing", Google "Gemini Developer API pricing", standard tier, prompts up to 200k tokens), as
// they stood in August 2025, transcribed by hand. They were NOT re-checked when this file was
// written (2026-11-28): verify them, and override any price in the policy (spec.prices) when it
// differs. Azure OpenAI uses the OpenAI prices of the same model.
import type { PriceConfig, ProviderKind } from "../snapshot/schema.ts";

type Entry = [provider: ProviderKind, model: string, inputPerMillion: number, outputPerMillion: number];

const M = 1_000_000;
// [provider, model (exact, or prefix ending in '*'), $ input / 1M, $ output / 1M]
const TABLE: Entry[] = [
  ["openai", "gpt-4o-mini*", 0.15, 0.6],
  ["openai", "gpt-4o*", 2.5, 10],
  ["openai", "gpt-4.1-nano*", 0.1, 0.4],
  ["openai", "gpt-4.1-mini*", 0.4, 1.6],
  ["openai", "gpt-4.1*", 2, 8],
  ["openai", "gpt-5-nano*", 0.05, 0.4],
  ["openai", "gpt-5-mini*", 0.25, 2],
  ["openai", "gpt-5*", 1.25, 10],
  ["openai", "o4-mini*", 1.1, 4.4],
  ["openai", "o3-mini*", 1.1, 4.4],
  ["openai", "o3*", 2, 8],
  ["openai", "text-embedding-3-small", 0.02, 0],
  ["openai", "text-embedding-3-large", 0.13, 0],
  ["anthropic", "claude-opus-4*", 15, 75],
  ["anthropic", "claude-sonnet-4*", 3, 15],
  ["anthropic", "claude-3-7-sonnet*", 3, 15],
  ["anthropic", "claude-haiku-4*", 1, 5],
  ["anthropic", "claude-3-5-haiku*", 0.8, 4],
  ["gemini", "gemini-2.5-pro*", 1.25, 10],
  ["gemini", "gemini-2.5-flash-lite*", 0.1, 0.4],
  ["gemini", "gemini-2.5-flash*", 0.3, 2.5],
  ["gemini", "gemini-2.0-flash-lite*", 0.075, 0.3],
  ["gemini", "gemini-2.0-flash*", 0.1, 0.4],
];

export const BUILT_IN_PRICES: readonly PriceConfig[] = TABLE.map(([provider, model, i, o]) => ({
  provider,
  model,
  inputPerMillionMicros: Math.round(i * M),
  outputPerMillionMicros: Math.round(o * M),
}));

function modelMatches(pattern: string, model: string): boolean {
  return pattern.endsWith("*") ? model.startsWith(pattern.slice(0, -1)) : pattern === model;
}

function providerMatches(p: ProviderKind | undefined, provider: ProviderKind): boolean {
  if (p === undefined || p === provider) return true;
  // Vertex AI serves Anthropic's and Google's models at their publishers' list prices
  if (provider === "vertexai" && (p === "anthropic" || p === "gemini")) return true;
  return p === "openai" && provider === "azureopenai";
}

/** The first price for the model: the overrides in order, then the built-in table. */
export function findPrice(
  overrides: readonly PriceConfig[],
  provider: ProviderKind,
  model: string | undefined,
): PriceConfig | undefined {
  if (model === undefined) return undefined;
  for (const list of [overrides, BUILT_IN_PRICES]) {
    for (const p of list) if (providerMatches(p.provider, provider) && modelMatches(p.model, model)) return p;
  }
  return undefined;
}

/** Cost in microdollars (rounded up). */
export function costMicros(price: PriceConfig, inputTokens: number, outputTokens: number): number {
  return Math.ceil(
    (inputTokens * price.inputPerMillionMicros + outputTokens * price.outputPerMillionMicros) / M,
  );
}
