// Stage: provider adapter with translation. When the client's API family differs from the
// provider's, the body is translated (translate/plan.ts) into the provider's native request and the
// adapter plans from that; the plan then carries the ResponseTranslator the relay applies. Usage and
// metrics still come from the provider's own answer (the adapter reads it before translation).
import { GatewayError } from "../errors.ts";
import type { AdapterInput, UpstreamPlan } from "../providers/types.ts";
import { vertexModel } from "../providers/vertexai.ts";
import type { CompiledProvider } from "../snapshot/compile.ts";
import type { Endpoint } from "../translate/catalogue.ts";
import { TranslationError } from "../translate/neutral.ts";
import { needsTranslation, translateRequest, UntranslatableEndpoint } from "../translate/plan.ts";
import { scrubMessage } from "./provider-error.ts";

/** Numbers the ids the gateway makes for answers that carry none (Bedrock Converse). */
let answerSeq = 0;

export function planUpstream(
  provider: CompiledProvider,
  endpoint: Endpoint,
  input: AdapterInput,
  dropUnsupported: boolean,
  /** The whole request document, parsed only when a translation needs it. */
  wholeBody: () => unknown,
): UpstreamPlan | GatewayError {
  if (endpoint.operation === "passthrough") {
    // only an OpenAI backend speaks the OpenAI paths the gateway does not know
    if (provider.config.kind !== "openai")
      return new GatewayError("endpoint_not_found", {
        message: `${endpoint.apiPath} is passed through to OpenAI backends only`,
      });
    const plan = provider.adapter.plan({ ...input, path: endpoint.apiPath });
    return plan instanceof GatewayError ? plan : { ...plan, operation: undefined };
  }
  // Vertex AI's API family depends on the model (Claude: Anthropic's, else Gemini's)
  const model = provider.config.kind === "vertexai" ? vertexModel(input) : undefined;
  if (!needsTranslation(endpoint, provider.config.kind, model)) {
    // Vertex AI may rebuild the body (Claude: model out, anthropic_version in; countTokens: the
    // Gemini API's generateContentRequest unwrapped), so its adapter gets the whole document
    if (provider.config.kind === "vertexai") return provider.adapter.plan({ ...input, body: wholeBody() });
    return provider.adapter.plan(input);
  }
  let translated: ReturnType<typeof translateRequest>;
  try {
    translated = translateRequest(endpoint, provider.config.kind, wholeBody(), {
      nowS: Math.floor(Date.now() / 1000),
      providerModel: provider.config.model,
      geminiApiVersion: provider.config.gemini?.apiVersion,
      seq: ++answerSeq,
      ...(model !== undefined ? { model } : {}),
      dropUnsupported,
    });
  } catch (err) {
    if (err instanceof TranslationError)
      return new GatewayError("unsupported_parameter", { message: scrubMessage(err.message, []) });
    if (err instanceof UntranslatableEndpoint)
      return new GatewayError("endpoint_not_found", { message: err.message });
    throw err;
  }
  if (!translated) return provider.adapter.plan(input);
  if (translated.local)
    return {
      path: "",
      body: undefined,
      streaming: false,
      operation: undefined,
      requestModel: provider.config.model,
      headers: {},
      stripUsageChunk: false,
      localAnswer: translated.local,
    };
  const plan = provider.adapter.plan({ ...input, path: translated.path, body: translated.body });
  if (plan instanceof GatewayError) return plan;
  return {
    ...plan,
    body: plan.body ?? translated.body,
    stripUsageChunk: false,
    translator: translated.response,
  };
}
