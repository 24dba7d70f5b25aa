// The provider registry: one adapter per ProviderKind.
import type { ProviderKind } from "../snapshot/schema.ts";
import { anthropic } from "./anthropic.ts";
import { azureopenai } from "./azureopenai.ts";
import { bedrock } from "./bedrock.ts";
import { gemini } from "./gemini.ts";
import { openai } from "./openai.ts";
import type { ProviderAdapter } from "./types.ts";
import { vertexai } from "./vertexai.ts";

const ADAPTERS: Record<ProviderKind, ProviderAdapter> = {
  openai,
  azureopenai,
  gemini,
  anthropic,
  vertexai,
  bedrock,
};

export function adapterFor(kind: ProviderKind): ProviderAdapter {
  return ADAPTERS[kind];
}
