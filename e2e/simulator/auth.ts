// The optional key check: where each provider carries its API key.
//   OpenAI    Authorization: Bearer K
//   Azure     api-key: K
//   Gemini    x-goog-api-key: K, or ?key=K
//   Anthropic x-api-key: K (also Authorization: Bearer K, which @anthropic-ai/sdk 1.x sends)
//   Vertex AI  not here: an access token from the token endpoint (gcp-auth.ts), checked by its routes
//   Azure      also Authorization: Bearer <Entra access token, a JWT> (entra.ts), checked in server.ts
// With a keyLocation (a self-hosted server configured to take its key elsewhere) only that place
// counts: a header (prefix stripped), a query parameter or a cookie.
import type { ProviderName } from "./reply.ts";
import type { SimulatorOptions } from "./types.ts";

type Strings = Readonly<Record<string, string>>;

function bearer(headers: Strings): string | undefined {
  const m = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? "");
  return m?.[1]?.trim();
}

function cookie(headers: Strings, name: string): string | undefined {
  for (const pair of (headers.cookie ?? "").split(";")) {
    const eq = pair.indexOf("=");
    if (eq !== -1 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}

function atLocation(
  at: NonNullable<SimulatorOptions["keyLocation"]>,
  headers: Strings,
  query: Strings,
): string | undefined {
  if (at.in === "queryParameter") return query[at.name];
  if (at.in === "cookie") return cookie(headers, at.name);
  const v = headers[at.name.toLowerCase()];
  const prefix = at.prefix ?? "";
  if (v === undefined || !v.startsWith(prefix)) return undefined;
  return v.slice(prefix.length);
}

/** The keys the request presents where its provider (or the keyLocation) expects them. */
export function presentedKeys(
  provider: ProviderName,
  headers: Strings,
  query: Strings,
  at?: SimulatorOptions["keyLocation"],
): string[] {
  const found = (() => {
    if (at !== undefined && provider !== "vertex" && provider !== "bedrock")
      return [atLocation(at, headers, query)];
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
  at?: SimulatorOptions["keyLocation"],
): boolean {
  if (required === undefined) return true;
  return presentedKeys(provider, headers, query, at).some((k) => required.has(k));
}
