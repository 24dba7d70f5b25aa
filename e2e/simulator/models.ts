// Model listings in each provider's shape. The simulator answers any model name; these lists only
// give clients something realistic to enumerate.
import type { Reply } from "./reply.ts";

export const OPENAI_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "text-embedding-3-small"] as const;
export const ANTHROPIC_MODELS = ["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"] as const;
export const GEMINI_MODELS = [
  "gemini-2.5-flash",
  "gemini-2.5-pro",
  "gemini-2.0-flash",
  "text-embedding-004",
] as const;

const CREATED = 1_700_000_000;

function openaiModel(id: string) {
  return { id, object: "model", created: CREATED, owned_by: "simulator" };
}

export function openaiModelList(): Reply {
  return { kind: "json", status: 200, body: { object: "list", data: OPENAI_MODELS.map(openaiModel) } };
}

export function openaiModelGet(id: string): Reply {
  return { kind: "json", status: 200, body: openaiModel(id) };
}

function anthropicModel(id: string) {
  return { type: "model", id, display_name: id, created_at: new Date(CREATED * 1000).toISOString() };
}

export function anthropicModelList(): Reply {
  const data = ANTHROPIC_MODELS.map(anthropicModel);
  return {
    kind: "json",
    status: 200,
    body: { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null },
  };
}

function geminiModel(id: string) {
  const embedding = id.includes("embedding");
  return {
    name: `models/${id}`,
    version: "001",
    displayName: id,
    description: `Simulated ${id}`,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: embedding ? 1 : 65_536,
    supportedGenerationMethods: embedding ? ["embedContent"] : ["generateContent", "countTokens"],
  };
}

export function geminiModelList(): Reply {
  return { kind: "json", status: 200, body: { models: GEMINI_MODELS.map(geminiModel) } };
}

export function geminiModelGet(id: string): Reply {
  return { kind: "json", status: 200, body: geminiModel(id) };
}
