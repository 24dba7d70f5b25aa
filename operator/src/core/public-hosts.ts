// The public LLM provider hosts: the one list of hosts a request may never reach over plain HTTP
// (it would carry the platform's credential and the prompts in clear text). `*` stands for any run
// of host characters, possibly empty ("*aiplatform.googleapis.com" also covers the global host).

export const PUBLIC_PROVIDER_HOSTS: readonly string[] = [
  "api.openai.com",
  "api.anthropic.com",
  "*.openai.azure.com",
  "*.services.ai.azure.com",
  "generativelanguage.googleapis.com",
  "*aiplatform.googleapis.com",
  "bedrock-runtime.*.amazonaws.com",
];

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join("[a-z0-9.-]*");
  return new RegExp(`^${body}$`);
}

const PATTERNS = PUBLIC_PROVIDER_HOSTS.map(globToRegExp);

/** Whether `host` (any case, trailing dot or not) is one of the public provider hosts. */
export function isPublicProviderHost(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, "");
  return PATTERNS.some((re) => re.test(h));
}
