// The optional key check: where each provider carries its API key.
//   OpenAI    Authorization: Bearer K
//   Azure     api-key: K
//   Gemini    x-goog-api-key: K, or ?key=K
//   Anthropic x-api-key: K (also Authorization: Bearer K, which @anthropic-ai/sdk 1.x sends)
//   Vertex AI  not here: an access token from the token endpoint (gcp-auth.ts), checked by its routes
import type { ProviderName } from "./reply.ts";

type Strings = Readonly<Record<string, string>>;

function bearer(headers: Strings): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
  return m?.[1]?.trim();
}

/** The keys the request presents where its provider expects them. */
export function presentedKeys(provider: ProviderName, headers: Strings, query: Strings): string[] {
  const found = (() => {
    switch (provider) {
      case "openai":
        return [bearer(headers)];
      case "azure":
        return [headers["api-key"]];
      case "gemini":
        return [headers["x-goog-api-key"], query.key];
      case "anthropic":
        return [headers["x-api-key"], bearer(headers)];
      case "vertex":
        return []; // Vertex AI takes OAuth2 access tokens only (gcp-auth.ts), never an API key
      case "bedrock":
        return []; // Bedrock takes SigV4 signatures only (bedrock.ts), never an API key
    }
  })();
  return found.filter((k): k is string => k !== undefined && k !== "");
}

/** True when no key is required, or a presented one is among the required ones. */
export function keyAccepted(
  required: ReadonlySet<string> | undefined,
  provider: ProviderName,
  headers: Strings,
  query: Strings,
): boolean {
  if (required === undefined) return true;
  return presentedKeys(provider, headers, query).some((k) => required.has(k));
}
