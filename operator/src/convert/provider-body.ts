// The provider body shared by kgateway's and Gloo's AI backends (openai, anthropic, gemini, Azure
// OpenAI): model and API version carried over, an Anthropic version header noted as not carried.
import type { LLMProvider } from "../api/agentgateway-backend.ts";
import type { Conversion } from "./conversion.ts";

export type SourceKind = "openai" | "anthropic" | "gemini" | "azureopenai";

/** `cfg` is the source provider object; `anthropicVersionField` is "apiVersion" (kgateway) or "version" (Gloo). */
export function providerBody(
  kind: SourceKind,
  cfg: Record<string, unknown>,
  where: string,
  anthropicVersionField: string,
  c: Conversion,
): LLMProvider | undefined {
  const str = (k: string): string | undefined =>
    typeof cfg[k] === "string" && cfg[k] !== "" ? (cfg[k] as string) : undefined;
  const model = str("model");
  const apiVersion = str("apiVersion");
  switch (kind) {
    case "openai":
      return { openai: model ? { model } : {} };
    case "anthropic":
      if (str(anthropicVersionField))
        c.note(
          `${where}.${anthropicVersionField}: not carried over; the gateway sends the anthropic-version it was built for`,
        );
      return { anthropic: model ? { model } : {} };
    case "gemini":
      return { gemini: { ...(model ? { model } : {}), ...(apiVersion ? { apiVersion } : {}) } };
    case "azureopenai": {
      const endpoint = str("endpoint")?.replace(/^https?:\/\//, "");
      const deploymentName = str("deploymentName");
      if (!endpoint || !deploymentName) {
        c.error(`${where}: endpoint and deploymentName are required`);
        return undefined;
      }
      return { azureopenai: { endpoint, deploymentName, ...(apiVersion ? { apiVersion } : {}) } };
    }
  }
}
