// Which translation a request needs, and the translation itself: a client request for one API family
// sent to a provider of another becomes that provider's native request (path + body), and a
// ResponseTranslator turns the provider's answer (JSON or stream events, chunk by chunk) back into
// the client's format. Same family: no translation (the provider adapter handles it natively).
import type { ProviderKind } from "../snapshot/schema.ts";
import {
  MessagesStreamDecoder,
  MessagesStreamEncoder,
  parseMessagesRequest,
  parseMessagesResponse,
  toMessagesRequest,
  toMessagesResponse,
} from "./anthropic-messages.ts";
import {
  ConverseStreamDecoder,
  conversePath,
  parseConverseResponse,
  toConverseRequest,
} from "./bedrock-converse.ts";
import type { ClientFormat, Endpoint } from "./catalogue.ts";
import { estimateChatInputTokens, fromCountTokensResponse, toCountTokensRequest } from "./count-tokens.ts";
import { parseEmbeddingsRequest, toBatchEmbedRequest, toEmbeddingsResponse } from "./embeddings.ts";
import { GenerateStreamDecoder, parseGenerateResponse, toGenerateRequest } from "./gemini-generate.ts";
import type { JsonObject, NeutralEvent, NeutralRequest, NeutralResponse } from "./neutral.ts";
import { TranslationError } from "./neutral.ts";
import {
  ChatStreamDecoder,
  ChatStreamEncoder,
  parseChatRequest,
  parseChatResponse,
  toChatRequest,
  toChatResponse,
} from "./openai-chat.ts";
import { parseResponsesRequest, ResponsesStreamEncoder, toResponsesResponse } from "./openai-responses.ts";
import { vertexPublisher } from "./vertex.ts";

/** An API family a provider speaks: a client's, or Bedrock Converse (which no client speaks here). */
export type ProviderFamily = ClientFormat | "bedrock";

/**
 * The API family a provider speaks natively. Vertex AI speaks two, by model: Anthropic's for Claude
 * models, Gemini's for the others (and when the model is not known yet). Bedrock speaks Converse:
 * every client request to it is translated.
 */
export function familyOf(kind: ProviderKind, model?: string): ProviderFamily {
  if (kind === "bedrock") return "bedrock";
  if (kind === "anthropic") return "anthropic";
  if (kind === "gemini") return "gemini";
  if (kind === "vertexai")
    return model !== undefined && vertexPublisher(model) === "anthropic" ? "anthropic" : "gemini";
  return "openai";
}

/** Turns one provider answer into the client's format (one per request: stream state lives here). */
export interface ResponseTranslator {
  /** A whole JSON answer. */
  json(upstream: unknown): unknown;
  /** One upstream stream event (its data text and parsed JSON) -> client SSE text ("" for none). */
  event(data: string, json: unknown): string;
  /** The upstream stream ended -> the client's closing events. */
  end(): string;
}

export interface TranslatedRequest {
  /** The provider-native path the adapter plans from ("/v1/messages", ".../models/m:generateContent"). */
  path: string;
  body: JsonObject;
  response: ResponseTranslator;
  /** Set when the gateway answers itself (no provider call): the client's JSON answer. */
  local?: JsonObject;
}

export interface TranslateContext {
  /** Unix seconds (OpenAI `created`): the caller's clock, this module is pure. */
  nowS: number;
  /** The provider's configured model, which overrides the client's. */
  providerModel: string | undefined;
  geminiApiVersion: string | undefined;
  /** vertexai: the model the request is for (it decides the provider's API family). */
  model?: string;
  /** A per-process sequence number, for ids the gateway makes (Bedrock answers carry none). */
  seq?: number;
  /** Route policy: drop fields the target cannot express instead of refusing. */
  dropUnsupported?: boolean;
}

/** Why a request cannot go to this provider at all (an operation with no translation). */
export class UntranslatableEndpoint extends Error {}

function parseClient(endpoint: Endpoint, body: JsonObject, drop: boolean): NeutralRequest {
  if (endpoint.operation === "chat") return parseChatRequest(body, drop);
  if (endpoint.operation === "messages") return parseMessagesRequest(body, drop);
  if (endpoint.operation === "responses") return parseResponsesRequest(body, drop);
  throw new UntranslatableEndpoint(`${endpoint.apiPath} is only served by ${endpoint.format} backends`);
}

interface ProviderSide {
  request(req: NeutralRequest): { path: string; body: JsonObject };
  response(json: unknown): NeutralResponse;
  decoder(): { decode(data: string, json: unknown): NeutralEvent[]; end?(): NeutralEvent[] };
}

/**
 * A Bedrock stream event as the relay hands it over: the event-stream message's :event-type as the
 * one member of a JSON object, its payload as the value ({"contentBlockDelta": {...}}).
 */
function bedrockEvent(json: unknown): { type: string; payload: unknown } {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    return { type: "", payload: undefined };
  const [type, payload] = Object.entries(json)[0] ?? ["", undefined];
  return { type, payload };
}

function bedrockSide(ctx: TranslateContext): ProviderSide {
  let model = "";
  // Converse answers carry no id: one is made from the clock (this module has no randomness)
  const id = (): string => `msg_bdrk_${ctx.nowS.toString(36)}${(ctx.seq ?? 0).toString(36)}`;
  return {
    request: (req) => {
      model = ctx.providerModel ?? req.model ?? "";
      if (model === "") throw new TranslationError("model", "is required");
      return { path: conversePath(model, req.stream === true), body: toConverseRequest(req) };
    },
    response: (json) => parseConverseResponse(json, model, id()),
    decoder: () => {
      const d = new ConverseStreamDecoder(model, id());
      let ended = false;
      return {
        decode: (_data, json) => {
          const ev = bedrockEvent(json);
          const out = d.decode(ev.type, ev.payload);
          if (out.some((e) => e.type === "end" || e.type === "error")) ended = true;
          return out;
        },
        // a stream that ends without metadata still ends (once)
        end: () => (ended ? [] : [{ type: "end" }]),
      };
    },
  };
}

function providerSide(family: ProviderFamily, ctx: TranslateContext): ProviderSide {
  if (family === "bedrock") return bedrockSide(ctx);
  if (family === "anthropic") {
    return {
      request: (req) => ({ path: "/v1/messages", body: toMessagesRequest(req) }),
      response: parseMessagesResponse,
      decoder: () => new MessagesStreamDecoder(),
    };
  }
  if (family === "openai") {
    return {
      request: (req) => ({ path: "/v1/chat/completions", body: toChatRequest(req) }),
      response: parseChatResponse,
      decoder: () => new ChatStreamDecoder(),
    };
  }
  let model = "";
  return {
    request: (req) => {
      model = ctx.providerModel ?? req.model ?? "";
      if (model === "") throw new TranslationError("model", "is required");
      const method = req.stream ? "streamGenerateContent" : "generateContent";
      const version = ctx.geminiApiVersion ?? "v1beta";
      return {
        path: `/${version}/models/${encodeURIComponent(model)}:${method}`,
        body: toGenerateRequest(req),
      };
    },
    response: (json) => parseGenerateResponse(json, model),
    decoder: () => new GenerateStreamDecoder(model),
  };
}

interface ClientSide {
  response(r: NeutralResponse): unknown;
  encoder(): { encode(ev: NeutralEvent): string };
}

function clientSide(endpoint: Endpoint, req: NeutralRequest, ctx: TranslateContext): ClientSide {
  if (endpoint.operation === "responses") {
    return {
      response: (r) => toResponsesResponse(r, ctx.nowS),
      encoder: () => new ResponsesStreamEncoder(ctx.nowS),
    };
  }
  if (endpoint.format === "anthropic") {
    return { response: toMessagesResponse, encoder: () => new MessagesStreamEncoder() };
  }
  return {
    response: (r) => toChatResponse(r, { created: ctx.nowS }),
    encoder: () => new ChatStreamEncoder({ created: ctx.nowS, includeUsage: req.streamUsage === true }),
  };
}

/**
 * The translated request for `kind`, or undefined when the provider speaks the client's format.
 * Throws TranslationError (a field the target cannot express) or UntranslatableEndpoint.
 */
/** True when a request to this endpoint must be translated for a provider of this kind. */
export function needsTranslation(endpoint: Endpoint, kind: ProviderKind, model?: string): boolean {
  return !(
    endpoint.operation === "native" ||
    endpoint.operation === "passthrough" ||
    endpoint.format === familyOf(kind, model)
  );
}

export function translateRequest(
  endpoint: Endpoint,
  kind: ProviderKind,
  body: unknown,
  ctx: TranslateContext,
): TranslatedRequest | undefined {
  const family = familyOf(kind, ctx.model);
  if (!needsTranslation(endpoint, kind, ctx.model)) return undefined;
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new TranslationError("body", "must be a JSON object");
  if (endpoint.operation === "embeddings") return translateEmbeddings(family, body as JsonObject, ctx);
  if (endpoint.operation === "count_tokens") return translateCountTokens(family, body as JsonObject, ctx);
  const neutral = parseClient(endpoint, body as JsonObject, ctx.dropUnsupported === true);
  const provider = providerSide(family, ctx);
  const client = clientSide(endpoint, neutral, ctx);
  const out = provider.request(neutral);
  const decoder = provider.decoder();
  const encoder = client.encoder();
  const encodeAll = (events: NeutralEvent[]): string => events.map((e) => encoder.encode(e)).join("");
  return {
    path: out.path,
    body: out.body,
    response: {
      json: (upstream) => client.response(provider.response(upstream)),
      event: (data, json) => encodeAll(decoder.decode(data, json)),
      end: () => encodeAll(decoder.end ? decoder.end() : [{ type: "end" }]),
    },
  };
}

/** A translator for a one-shot JSON operation (no stream). */
function jsonOnly(json: (upstream: unknown) => unknown): ResponseTranslator {
  return { json, event: () => "", end: () => "" };
}

function geminiModel(ctx: TranslateContext, requested: string | undefined): string {
  const model = ctx.providerModel ?? requested ?? "";
  if (model === "") throw new TranslationError("model", "is required");
  return model;
}

/** OpenAI embeddings -> Gemini batchEmbedContents; Anthropic has no embeddings API. */
function translateEmbeddings(
  family: ProviderFamily,
  body: JsonObject,
  ctx: TranslateContext,
): TranslatedRequest {
  if (family !== "gemini")
    throw new UntranslatableEndpoint(
      `/v1/embeddings is not served by ${family === "bedrock" ? "Bedrock" : "Anthropic"} backends`,
    );
  const req = parseEmbeddingsRequest(body, ctx.dropUnsupported === true);
  const model = geminiModel(ctx, req.model);
  const version = ctx.geminiApiVersion ?? "v1beta";
  return {
    path: `/${version}/models/${encodeURIComponent(model)}:batchEmbedContents`,
    body: toBatchEmbedRequest(req, model),
    response: jsonOnly((upstream) => toEmbeddingsResponse(upstream, req, model)),
  };
}

/** Anthropic count_tokens -> Gemini countTokens, or the gateway's own count for OpenAI backends. */
function translateCountTokens(
  family: ProviderFamily,
  body: JsonObject,
  ctx: TranslateContext,
): TranslatedRequest {
  const neutral = parseMessagesRequest(body, ctx.dropUnsupported === true);
  if (family === "openai" || family === "bedrock") {
    const local = { input_tokens: estimateChatInputTokens(neutral) };
    return { path: "", body: {}, response: jsonOnly(() => local), local };
  }
  const model = geminiModel(ctx, neutral.model);
  const version = ctx.geminiApiVersion ?? "v1beta";
  return {
    path: `/${version}/models/${encodeURIComponent(model)}:countTokens`,
    body: toCountTokensRequest(neutral, model),
    response: jsonOnly(fromCountTokensResponse),
  };
}
