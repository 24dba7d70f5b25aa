// spec.ai.provider.custom (upstream's CustomProvider): the API formats a self-hosted provider
// speaks and where it is: a Service of the backend's namespace ({name}.{namespace}.svc:{port},
// plain HTTP) or the provider's host and port. InferencePool and the Realtime and Rerank formats
// are refused as not supported, naming the field.
import type { ProviderConfig } from "../../../gateway/src/snapshot/schema.ts";
import type { LLMProvider } from "../api/agentgateway-backend.ts";
import type { Endpoint } from "./provider-override.ts";
import { type Problem, Reason } from "./reasons.ts";

type CustomFormats = NonNullable<ProviderConfig["custom"]>["formats"];
type ServedFormat = CustomFormats[number]["type"];

const SERVED: readonly string[] = [
  "Completions",
  "Responses",
  "Embeddings",
  "Messages",
  "AnthropicTokenCount",
];
const OPENAI_FORMATS: readonly string[] = ["Completions", "Responses", "Embeddings"];
const INFERENCE_GROUP = "inference.networking.k8s.io";

export interface CustomPlan {
  /** openai when it speaks an OpenAI format, else anthropic. */
  kind: "openai" | "anthropic";
  formats: CustomFormats;
  /** Set for a backendRef to a Service. */
  endpoint?: Endpoint;
}

export function customProvider(p: LLMProvider, path: string, namespace: string): CustomPlan | Problem {
  const custom = p.custom;
  if (!custom) return { reason: Reason.InvalidConfig, message: `${path}.custom: not set` };
  const formats: CustomFormats = [];
  const seen = new Set<string>();
  for (const [i, f] of custom.formats.entries()) {
    const at = `${path}.custom.formats[${i}]`;
    if (!SERVED.includes(f.type)) {
      return {
        reason: Reason.UnsupportedValue,
        message: `${at}.type: "${f.type}" is not supported (supported: ${SERVED.join(", ")})`,
      };
    }
    if (seen.has(f.type)) {
      return { reason: Reason.InvalidConfig, message: `${at}.type: "${f.type}" is listed more than once` };
    }
    seen.add(f.type);
    formats.push({ type: f.type as ServedFormat, ...(f.path !== undefined ? { path: f.path } : {}) });
  }
  const kind = formats.some((f) => OPENAI_FORMATS.includes(f.type)) ? "openai" : "anthropic";
  const ref = custom.backendRef;
  if (ref === undefined) {
    if (p.host === undefined || p.port === undefined) {
      return {
        reason: Reason.InvalidConfig,
        message: `${path}: a custom provider needs custom.backendRef, or host and port`,
      };
    }
    return { kind, formats };
  }
  const at = `${path}.custom.backendRef`;
  if (p.host !== undefined) {
    return {
      reason: Reason.InvalidConfig,
      message: `${path}.host: cannot be combined with custom.backendRef`,
    };
  }
  const group = ref.group ?? "";
  const refKind = ref.kind ?? "Service";
  if (group === INFERENCE_GROUP && refKind === "InferencePool") {
    return {
      reason: Reason.UnsupportedValue,
      message: `${at}: InferencePool is not supported (use a Service)`,
    };
  }
  if (group !== "" || refKind !== "Service") {
    return {
      reason: Reason.InvalidKind,
      message: `${at}: ${group === "" ? "" : `${group}/`}${refKind} is not a Service (custom providers target a Service of the backend's namespace)`,
    };
  }
  if (ref.port === undefined) {
    return { reason: Reason.InvalidConfig, message: `${at}.port: required for a Service` };
  }
  return { kind, formats, endpoint: { host: `${ref.name}.${namespace}.svc`, port: ref.port, tls: false } };
}
