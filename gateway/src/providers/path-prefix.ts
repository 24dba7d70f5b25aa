// A provider's pathPrefix (upstream agentgateway's field): it replaces the API's base prefix, /v1,
// so "/v1/chat/completions" with pathPrefix "/api/v1" goes to "/api/v1/chat/completions" (an
// OpenAI- or Anthropic-compatible server mounted elsewhere). A trailing slash is ignored.
export function withPathPrefix(apiPath: string, prefix: string | undefined): string {
  if (prefix === undefined) return apiPath;
  const base = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  const rest = apiPath.startsWith("/v1/") || apiPath === "/v1" ? apiPath.slice(3) : apiPath;
  return `${base}${rest}`;
}
