// Custom providers (spec.ai.provider.custom): which of the provider's formats serves a request. A
// request in a listed format goes to that format's variant (its family's adapter, its path); a chat
// request in the other family is translated to a listed one (OpenAI chat and responses <->
// Anthropic messages; Gemini generateContent to either); anything else is a 404 that names the
// formats the provider speaks, before any credential is spent.
import { GatewayError } from "../errors.ts";
import { adapterFor } from "../providers/index.ts";
import type { CompiledProvider } from "../snapshot/compile.ts";
import type { ProviderConfig } from "../snapshot/schema.ts";
import type { Endpoint } from "../translate/catalogue.ts";

type Format = NonNullable<ProviderConfig["custom"]>["formats"][number]["type"];

const FAMILY: Record<Format, "openai" | "anthropic"> = {
  Completions: "openai",
  Responses: "openai",
  Embeddings: "openai",
  Messages: "anthropic",
  AnthropicTokenCount: "anthropic",
};

/** The format a request is written in, when it is one a custom provider can list. */
export function requestFormat(endpoint: Endpoint): Format | undefined {
  switch (endpoint.operation) {
    case "chat":
      return "Completions";
    case "responses":
      return "Responses";
    case "embeddings":
      return "Embeddings";
    case "messages":
      return "Messages";
    case "count_tokens":
      return "AnthropicTokenCount";
    default:
      return undefined;
  }
}

/** Formats a request may be translated to, best first (the gateway's translations). */
function translationTargets(endpoint: Endpoint): Format[] {
  switch (endpoint.operation) {
    case "chat":
    case "responses":
      return ["Messages"];
    case "messages":
      return ["Completions"];
    case "count_tokens":
      // an OpenAI-format provider has no count endpoint: the gateway answers from a token estimate
      return ["Completions"];
    case "generate":
      return ["Completions", "Messages"];
    default:
      return [];
  }
}

/** One CompiledProvider per listed format: the family's adapter, the format's path. */
export function compileCustomVariants(
  base: CompiledProvider,
): ReadonlyMap<Format, CompiledProvider> | undefined {
  const custom = base.config.custom;
  if (!custom) return undefined;
  const out = new Map<Format, CompiledProvider>();
  for (const f of custom.formats) {
    const kind = FAMILY[f.type];
    const { path: _basePath, ...rest } = base.config;
    const path = f.path ?? base.config.path;
    const config: ProviderConfig = { ...rest, kind, ...(path !== undefined ? { path } : {}) };
    // the same provider for health and metrics (label, backend, health); only the API differs
    out.set(f.type, { ...base, config, adapter: adapterFor(kind) });
  }
  return out;
}

/** The provider (variant) that serves this request, or a 404 naming the formats it speaks. */
export function customVariant(
  provider: CompiledProvider,
  endpoint: Endpoint,
): CompiledProvider | GatewayError {
  const variants = provider.customVariants;
  if (!variants) return provider;
  // the route's own path, an OpenAI path passed through, model listings: the provider as configured
  if (endpoint.operation === "native" || endpoint.operation === "passthrough") {
    return provider.config.kind === "openai" || endpoint.operation === "native"
      ? provider
      : notServed(provider, endpoint.apiPath);
  }
  const own = requestFormat(endpoint);
  const direct = own !== undefined ? variants.get(own) : undefined;
  if (direct) return direct;
  for (const target of translationTargets(endpoint)) {
    const v = variants.get(target);
    if (v) return v;
  }
  return notServed(provider, endpoint.apiPath);
}

function notServed(provider: CompiledProvider, apiPath: string): GatewayError {
  const formats = [...(provider.customVariants?.keys() ?? [])].join(", ");
  return new GatewayError("endpoint_not_found", {
    message: `${apiPath} is not served by this backend: its provider speaks ${formats}`,
  });
}
