// The route table of all simulated providers, and the provider a path looks like when no route
// matches (so even a 404 or an injected fault answers in the expected error shape).
import { anthropicRoutes } from "./anthropic.ts";
import { azureRoutes } from "./azure.ts";
import { bedrockRoutes } from "./bedrock.ts";
import { geminiRoutes } from "./gemini.ts";
import { geminiEmbedRoutes } from "./gemini-embed.ts";
import { openaiRoutes } from "./openai.ts";
import type { ProviderName } from "./reply.ts";
import type { Route } from "./route.ts";
import { vertexRoutes } from "./vertex.ts";

// OpenAI last: Anthropic's and Gemini's GET /v1/models routes claim the path only when their
// `when` holds.
const ROUTES: readonly Route[] = [
  ...anthropicRoutes,
  ...azureRoutes,
  ...geminiRoutes,
  ...geminiEmbedRoutes,
  ...vertexRoutes,
  ...bedrockRoutes,
  ...openaiRoutes,
];

export interface Match {
  route: Route;
  params: string[];
}

export function matchRoute(
  method: string,
  path: string,
  headers: Readonly<Record<string, string>>,
  query: Readonly<Record<string, string>>,
): Match | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (!m) continue;
    if (route.when && !route.when(headers, query)) continue;
    return { route, params: m.slice(1).map(decodeParam) };
  }
  return undefined;
}

function decodeParam(s: string | undefined): string {
  if (s === undefined) return "";
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function providerForPath(
  path: string,
  headers: Readonly<Record<string, string>>,
  query: Readonly<Record<string, string>>,
): ProviderName {
  if (path.startsWith("/openai/") || path.startsWith("/api/projects/")) return "azure";
  if (path.startsWith("/v1/projects/") || path === "/token") return "vertex";
  if (path.startsWith("/model/")) return "bedrock";
  if (/^\/v\d+(alpha|beta)\d*\//.test(path) || path.includes(":") || hasGoogleKey(headers, query))
    return "gemini";
  if (headers["anthropic-version"] !== undefined || path.startsWith("/v1/messages")) return "anthropic";
  return "openai";
}

export function hasGoogleKey(
  headers: Readonly<Record<string, string>>,
  query: Readonly<Record<string, string>>,
) {
  return headers["x-goog-api-key"] !== undefined || query.key !== undefined;
}
