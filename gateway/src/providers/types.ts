// What a provider adapter is: data (name, stream format) plus a few typed functions: where a request
// goes upstream (path, query, body changes, headers) and how usage is read from a JSON answer and
// from a stream. Adapters never see credentials: those are injected by pipeline/credentials.ts.
import type { GatewayError } from "../errors.ts";
import type { ProviderConfig, ProviderKind } from "../snapshot/schema.ts";
import type { ResponseTranslator } from "../translate/plan.ts";
import type { SseEvent } from "./sse.ts";

export type JsonObject = Record<string, unknown>;

/** Token usage as the provider reported it; a field is absent when unknown (never guessed). */
export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  responseModel?: string;
}

export interface AdapterInput {
  provider: ProviderConfig;
  /** Request path after any HTTPRoute rewrite, without query string. */
  path: string;
  /** Client query parameters, provider credentials (`key`) already removed. */
  query: URLSearchParams;
  /** Parsed JSON body (a private copy the adapter may change), or undefined. */
  body: unknown;
  /** Lower-cased client header lookup. */
  header: (name: string) => string | undefined;
}

export interface UpstreamPlan {
  /** Path and query string to request upstream. */
  path: string;
  /** The body to send when the adapter changed it (undefined: send the client's bytes). */
  body: JsonObject | undefined;
  /** True when `body` is a whole new document (members removed too), not edits of the client's. */
  replaceBody?: boolean;
  streaming: boolean;
  /** gen_ai_operation_name, or undefined when the request is not a GenAI operation (e.g. /v1/models). */
  operation: string | undefined;
  /** The model the request is for, after any backend override. */
  requestModel: string | undefined;
  /** Headers the provider needs that the client did not send (never credentials). */
  headers: Record<string, string>;
  /** True when the gateway asked for stream usage the client did not: drop the usage-only chunk. */
  stripUsageChunk: boolean;
  /** Set when the request was translated from another API family: turns the answer back. */
  translator?: ResponseTranslator;
  /** Set when the gateway answers the request itself: this JSON, 200, no provider call. */
  localAnswer?: JsonObject;
}

export interface StreamState {
  usage: Usage;
  /** Set once a content-bearing event went by (for time to first token). */
  sawContent: boolean;
}

export interface ProviderAdapter {
  kind: ProviderKind;
  /** gen_ai_provider_name (OpenTelemetry). */
  otelName: string;
  plan(input: AdapterInput): UpstreamPlan | GatewayError;
  usageFromJson(json: unknown): Usage;
  /** Update the state from one stream event; returns true when the event carries content. */
  onStreamEvent(ev: SseEvent, json: unknown, state: StreamState): boolean;
  /** True when this event is the usage-only chunk the gateway requested (dropped for the client). */
  isInjectedUsageEvent(json: unknown): boolean;
  /** The SSE text that tells a client the stream failed. */
  streamErrorEvent(body: { message: string; type: string; code: string }): string;
  /** The provider's error message in an error response body, if it has one. */
  errorMessage(json: unknown): string | undefined;
}
