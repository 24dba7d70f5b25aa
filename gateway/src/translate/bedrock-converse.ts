// Neutral <-> Amazon Bedrock Converse / ConverseStream (provider side), ready for the Bedrock
// backend. Written from the Bedrock API reference (Converse: messages with content blocks text /
// image{format,source.bytes} / toolUse / toolResult, system, inferenceConfig, toolConfig with
// toolSpec.inputSchema.json and toolChoice auto/any/tool; ConverseResponse output.message,
// stopReason, usage inputTokens / outputTokens / cacheReadInputTokens / cacheWriteInputTokens;
// ConverseStream events messageStart, contentBlockStart, contentBlockDelta, contentBlockStop,
// messageStop, metadata, framed as AWS event-stream messages with an :event-type header).
import { EventStreamCodec } from "@smithy/eventstream-codec";
import { isObject, num, str } from "../providers/json.ts";
import type {
  FinishReason,
  JsonObject,
  NeutralEvent,
  NeutralRequest,
  NeutralResponse,
  NeutralUsage,
  Part,
  ToolCall,
} from "./neutral.ts";
import { TranslationError, unsupported } from "./neutral.ts";

const IMAGE_FORMATS: Record<string, string> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

function blocks(parts: Part[], where: string): JsonObject[] {
  return parts.map((p) => {
    if (p.type === "text") return { text: p.text };
    const format = IMAGE_FORMATS[p.mediaType ?? ""];
    if (p.data === undefined || format === undefined)
      throw new TranslationError(where, "Bedrock takes png/jpeg/gif/webp images inline: send base64 data");
    return { image: { format, source: { bytes: p.data } } };
  });
}

function parseArgs(args: string, where: string): unknown {
  try {
    return args.trim() === "" ? {} : JSON.parse(args);
  } catch {
    throw new TranslationError(where, "must be JSON to be sent to this backend");
  }
}

/** The Converse path for a model (ConverseStream when streaming). */
export function conversePath(modelId: string, stream: boolean): string {
  return `/model/${encodeURIComponent(modelId)}/${stream ? "converse-stream" : "converse"}`;
}

/** Neutral -> a Converse request body (the model goes in the path). */
export function toConverseRequest(req: NeutralRequest): JsonObject {
  if (req.responseFormat) unsupported(req, "response_format", "has no Bedrock Converse counterpart");
  if (req.topK !== undefined)
    unsupported(req, "top_k", "is model-specific on Bedrock and cannot be translated");
  if (req.toolChoice?.type === "none")
    unsupported(req, "tool_choice", "'none' has no Bedrock Converse counterpart");
  if (req.parallelToolCalls === false)
    unsupported(req, "parallel_tool_calls", "cannot be turned off on Bedrock");
  const messages: { role: string; content: JsonObject[] }[] = [];
  const push = (role: string, content: JsonObject[]): void => {
    const last = messages.at(-1);
    if (last && last.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };
  req.messages.forEach((m, i) => {
    const where = `messages[${i}].content`;
    if (m.role === "user") push("user", blocks(m.content, where));
    else if (m.role === "assistant") {
      const content = blocks(
        m.content.filter((p) => p.type !== "text" || p.text !== ""),
        where,
      );
      for (const c of m.toolCalls)
        content.push({
          toolUse: {
            toolUseId: c.id,
            name: c.name,
            input: parseArgs(c.arguments, `messages[${i}].tool_calls.arguments`),
          },
        });
      push("assistant", content);
    } else {
      push("user", [
        {
          toolResult: {
            toolUseId: m.toolCallId,
            content: blocks(m.content, where),
            ...(m.isError ? { status: "error" } : {}),
          },
        },
      ]);
    }
  });
  const out: JsonObject = { messages };
  if (req.system.length > 0) out.system = req.system.map((text) => ({ text }));
  const inference: JsonObject = {};
  if (req.maxTokens !== undefined) inference.maxTokens = req.maxTokens;
  if (req.temperature !== undefined) inference.temperature = req.temperature;
  if (req.topP !== undefined) inference.topP = req.topP;
  if (req.stop !== undefined && req.stop.length > 0) inference.stopSequences = req.stop;
  if (Object.keys(inference).length > 0) out.inferenceConfig = inference;
  if (req.tools.length > 0) {
    const toolConfig: JsonObject = {
      tools: req.tools.map((t) => ({
        toolSpec: {
          name: t.name,
          ...(t.description ? { description: t.description } : {}),
          inputSchema: { json: t.parameters },
        },
      })),
    };
    const tc = req.toolChoice;
    if (tc?.type === "auto" || tc?.type === "none") toolConfig.toolChoice = { auto: {} };
    else if (tc?.type === "required") toolConfig.toolChoice = { any: {} };
    else if (tc?.type === "tool") toolConfig.toolChoice = { tool: { name: tc.name } };
    out.toolConfig = toolConfig;
  }
  return out;
}

const STOP_FROM: Record<string, FinishReason> = {
  end_turn: "stop",
  tool_use: "tool_calls",
  max_tokens: "length",
  stop_sequence: "stop_sequence",
  guardrail_intervened: "content_filter",
  content_filtered: "content_filter",
};

export function converseUsage(u: unknown): NeutralUsage {
  const out: NeutralUsage = {};
  const input = num(u, "inputTokens");
  const read = num(u, "cacheReadInputTokens");
  const write = num(u, "cacheWriteInputTokens");
  if (input !== undefined) out.input = input + (read ?? 0) + (write ?? 0);
  if (read !== undefined) out.cachedInput = read;
  if (write !== undefined) out.cacheCreation = write;
  const output = num(u, "outputTokens");
  if (output !== undefined) out.output = output;
  return out;
}

/** A ConverseResponse -> neutral (Converse returns no id: `id` comes from the caller, e.g. the request id header). */
export function parseConverseResponse(json: unknown, model: string, id: string): NeutralResponse {
  const content =
    isObject(json) &&
    isObject(json.output) &&
    isObject(json.output.message) &&
    Array.isArray(json.output.message.content)
      ? json.output.message.content
      : [];
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const b of content) {
    if (!isObject(b)) continue;
    if (typeof b.text === "string") text += b.text;
    if (isObject(b.toolUse))
      toolCalls.push({
        id: str(b.toolUse, "toolUseId") ?? "",
        name: str(b.toolUse, "name") ?? "",
        arguments: JSON.stringify(b.toolUse.input ?? {}),
      });
  }
  return {
    id,
    model,
    text,
    toolCalls,
    finish: STOP_FROM[str(json, "stopReason") ?? ""] ?? "stop",
    usage: converseUsage(isObject(json) ? json.usage : undefined),
  };
}

/** ConverseStream events (event type + JSON payload) -> neutral. */
export class ConverseStreamDecoder {
  readonly #model: string;
  readonly #id: string;
  readonly #toolIndex = new Map<number, number>();

  constructor(model: string, id: string) {
    this.#model = model;
    this.#id = id;
  }

  decode(eventType: string, json: unknown): NeutralEvent[] {
    switch (eventType) {
      case "messageStart":
        return [{ type: "start", id: this.#id, model: this.#model }];
      case "contentBlockStart": {
        const tool = isObject(json) && isObject(json.start) ? json.start.toolUse : undefined;
        if (!isObject(tool)) return [];
        const index = this.#toolIndex.size;
        this.#toolIndex.set(num(json, "contentBlockIndex") ?? 0, index);
        return [
          { type: "tool_start", index, id: str(tool, "toolUseId") ?? "", name: str(tool, "name") ?? "" },
        ];
      }
      case "contentBlockDelta": {
        const text = str(json, "delta", "text");
        if (text) return [{ type: "text", text }];
        const input = str(json, "delta", "toolUse", "input");
        const index = this.#toolIndex.get(num(json, "contentBlockIndex") ?? 0);
        return input && index !== undefined ? [{ type: "tool_args", index, delta: input }] : [];
      }
      case "messageStop":
        return [{ type: "finish", reason: STOP_FROM[str(json, "stopReason") ?? ""] ?? "stop" }];
      case "metadata":
        return [
          { type: "usage", usage: converseUsage(isObject(json) ? json.usage : undefined) },
          { type: "end" },
        ];
      default:
        if (eventType.endsWith("Exception"))
          return [{ type: "error", message: str(json, "message") ?? eventType, errorType: eventType }];
        return [];
    }
  }
}

const codec = new EventStreamCodec(
  (bytes: Uint8Array) => new TextDecoder().decode(bytes),
  (s: string) => new TextEncoder().encode(s),
);

export interface EventStreamMessage {
  /** :event-type (or :exception-type for exceptions). */
  eventType: string;
  json: unknown;
}

/**
 * Incremental AWS event-stream framing (application/vnd.amazon.eventstream): feed bytes, get
 * complete messages (length-prefixed, CRC-checked by the codec). Throws on a corrupt frame.
 */
export class EventStreamFramer {
  #buf: Uint8Array = new Uint8Array(0);

  push(chunk: Uint8Array): EventStreamMessage[] {
    const merged = new Uint8Array(this.#buf.length + chunk.length);
    merged.set(this.#buf);
    merged.set(chunk, this.#buf.length);
    this.#buf = merged;
    const out: EventStreamMessage[] = [];
    while (this.#buf.length >= 4) {
      const total = new DataView(this.#buf.buffer, this.#buf.byteOffset, 4).getUint32(0);
      if (total < 16) throw new Error("corrupt event-stream frame");
      if (this.#buf.length < total) break;
      const msg = codec.decode(this.#buf.subarray(0, total));
      this.#buf = this.#buf.slice(total);
      const header = (name: string): string | undefined => {
        const h = msg.headers[name];
        return h && h.type === "string" ? h.value : undefined;
      };
      const eventType = header(":event-type") ?? header(":exception-type") ?? "unknown";
      let json: unknown;
      try {
        json = JSON.parse(new TextDecoder().decode(msg.body));
      } catch {
        json = undefined;
      }
      out.push({ eventType, json });
    }
    return out;
  }
}

/** One event-stream message (for the simulator and tests). */
export function encodeEventStreamMessage(
  eventType: string,
  payload: unknown,
  messageType: "event" | "exception" = "event",
): Uint8Array {
  const typeHeader = messageType === "event" ? ":event-type" : ":exception-type";
  return codec.encode({
    headers: {
      [typeHeader]: { type: "string", value: eventType },
      ":message-type": { type: "string", value: messageType },
      ":content-type": { type: "string", value: "application/json" },
    },
    body: new TextEncoder().encode(JSON.stringify(payload)),
  });
}
