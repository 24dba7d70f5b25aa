// Anthropic Messages <-> neutral. Written from the Messages API reference
// (docs.anthropic.com/en/api/messages and /en/docs/build-with-claude/streaming): system, content
// blocks (text, image base64/url, tool_use, tool_result), tools/tool_choice, required max_tokens,
// stop_reason, usage with cache fields, and the event stream message_start, content_block_start /
// _delta (text_delta, input_json_delta) / _stop, message_delta, message_stop.
import { isObject, num, str } from "../providers/json.ts";
import type {
  FinishReason,
  JsonObject,
  Message,
  NeutralEvent,
  NeutralRequest,
  NeutralResponse,
  NeutralUsage,
  Part,
  ToolCall,
} from "./neutral.ts";
import { TranslationError, unsupported } from "./neutral.ts";

/** Anthropic requires max_tokens; a client format without it (OpenAI, Gemini) gets this. */
export const DEFAULT_MAX_TOKENS = 4096;

const KNOWN = new Set([
  "model",
  "messages",
  "system",
  "max_tokens",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "stream",
  "tools",
  "tool_choice",
  "metadata",
]);

function blocks(content: unknown, where: string): unknown[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (Array.isArray(content)) return content;
  throw new TranslationError(where, "must be a string or an array of content blocks");
}

function imagePart(b: unknown, where: string): Part {
  const type = str(b, "source", "type");
  if (type === "base64")
    return {
      type: "image",
      mediaType: str(b, "source", "media_type") ?? "image/png",
      data: str(b, "source", "data") ?? "",
    };
  if (type === "url") return { type: "image", url: str(b, "source", "url") ?? "" };
  throw new TranslationError(`${where}.source.type`, `'${type}' image sources cannot be translated`);
}

function toolResultParts(content: unknown, where: string): Part[] {
  if (content === undefined) return [];
  return blocks(content, where).map((b, i) => {
    const t = str(b, "type");
    if (t === "text") return { type: "text", text: str(b, "text") ?? "" } as Part;
    if (t === "image") return imagePart(b, `${where}[${i}]`);
    throw new TranslationError(`${where}[${i}].type`, `'${t}' blocks cannot be translated`);
  });
}

/** An Anthropic Messages request -> neutral (the client side). */
export function parseMessagesRequest(body: JsonObject, drop = false): NeutralRequest {
  for (const key of Object.keys(body)) {
    if (!KNOWN.has(key) && !drop)
      throw new TranslationError(key, "cannot be translated to this backend's API");
  }
  if (!Array.isArray(body.messages)) throw new TranslationError("messages", "must be an array");
  const system: string[] = [];
  if (body.system !== undefined) {
    for (const [i, b] of blocks(body.system, "system").entries()) {
      if (str(b, "type") !== "text")
        throw new TranslationError(`system[${i}]`, "only text system blocks can be translated");
      system.push(str(b, "text") ?? "");
    }
  }
  const messages: Message[] = [];
  body.messages.forEach((m, i) => {
    const role = str(m, "role");
    const where = `messages[${i}].content`;
    const list = blocks(isObject(m) ? m.content : undefined, where);
    if (role === "user") {
      let parts: Part[] = [];
      const flush = (): void => {
        if (parts.length > 0) messages.push({ role: "user", content: parts });
        parts = [];
      };
      list.forEach((b, j) => {
        const t = str(b, "type");
        if (t === "text") parts.push({ type: "text", text: str(b, "text") ?? "" });
        else if (t === "image") parts.push(imagePart(b, `${where}[${j}]`));
        else if (t === "tool_result") {
          flush();
          const isError = isObject(b) && b.is_error === true;
          messages.push({
            role: "tool",
            toolCallId: str(b, "tool_use_id") ?? "",
            content: toolResultParts(isObject(b) ? b.content : undefined, `${where}[${j}].content`),
            ...(isError ? { isError } : {}),
          });
        } else throw new TranslationError(`${where}[${j}].type`, `'${t}' blocks cannot be translated`);
      });
      flush();
    } else if (role === "assistant") {
      const content: Part[] = [];
      const toolCalls: ToolCall[] = [];
      list.forEach((b, j) => {
        const t = str(b, "type");
        if (t === "text") content.push({ type: "text", text: str(b, "text") ?? "" });
        else if (t === "tool_use")
          toolCalls.push({
            id: str(b, "id") ?? "",
            name: str(b, "name") ?? "",
            arguments: JSON.stringify(isObject(b) ? (b.input ?? {}) : {}),
          });
        else throw new TranslationError(`${where}[${j}].type`, `'${t}' blocks cannot be translated`);
      });
      messages.push({ role: "assistant", content, toolCalls });
    } else throw new TranslationError(`messages[${i}].role`, `'${role}' is not a Messages role`);
  });
  const tools = Array.isArray(body.tools)
    ? body.tools.map((t, i) => {
        if (str(t, "type") !== undefined && str(t, "type") !== "custom")
          throw new TranslationError(`tools[${i}].type`, "server tools cannot be translated");
        const description = str(t, "description");
        const schema =
          isObject(t) && isObject(t.input_schema) ? t.input_schema : { type: "object", properties: {} };
        return { name: str(t, "name") ?? "", ...(description ? { description } : {}), parameters: schema };
      })
    : [];
  const req: NeutralRequest = {
    ...(drop ? { dropUnsupported: true } : {}),
    model: str(body, "model"),
    system,
    messages,
    stream: body.stream === true,
    tools,
  };
  const maxTokens = num(body, "max_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = num(body, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = num(body, "top_p");
  if (topP !== undefined) req.topP = topP;
  const topK = num(body, "top_k");
  if (topK !== undefined) req.topK = topK;
  if (Array.isArray(body.stop_sequences))
    req.stop = body.stop_sequences.filter((s): s is string => typeof s === "string");
  const tc = body.tool_choice;
  if (isObject(tc)) {
    const type = str(tc, "type");
    if (type === "auto" || type === "none") req.toolChoice = { type };
    else if (type === "any") req.toolChoice = { type: "required" };
    else if (type === "tool") req.toolChoice = { type: "tool", name: str(tc, "name") ?? "" };
    if (tc.disable_parallel_tool_use === true) req.parallelToolCalls = false;
  }
  const user = str(body, "metadata", "user_id");
  if (user !== undefined) req.user = user;
  return req;
}

function partsToBlocks(parts: Part[]): JsonObject[] {
  return parts.map((p) => {
    if (p.type === "text") return { type: "text", text: p.text };
    if (p.url !== undefined) return { type: "image", source: { type: "url", url: p.url } };
    return { type: "image", source: { type: "base64", media_type: p.mediaType, data: p.data } };
  });
}

function parseArgs(args: string, where: string): unknown {
  try {
    return args.trim() === "" ? {} : JSON.parse(args);
  } catch {
    throw new TranslationError(where, "must be JSON to be sent to this backend");
  }
}

/** Neutral -> an Anthropic Messages request (the provider side). */
export function toMessagesRequest(req: NeutralRequest): JsonObject {
  if (req.responseFormat) unsupported(req, "response_format", "has no Anthropic Messages counterpart");
  const messages: { role: string; content: JsonObject[] }[] = [];
  const push = (role: string, content: JsonObject[]): void => {
    const last = messages.at(-1);
    // Anthropic wants alternating turns: tool results and a following user turn share one message
    if (last && last.role === role) last.content.push(...content);
    else messages.push({ role, content });
  };
  req.messages.forEach((m, i) => {
    if (m.role === "user") push("user", partsToBlocks(m.content));
    else if (m.role === "tool")
      push("user", [
        {
          type: "tool_result",
          tool_use_id: m.toolCallId,
          content: partsToBlocks(m.content),
          ...(m.isError ? { is_error: true } : {}),
        },
      ]);
    else {
      const content = partsToBlocks(m.content.filter((p) => p.type !== "text" || p.text !== ""));
      for (const c of m.toolCalls)
        content.push({
          type: "tool_use",
          id: c.id,
          name: c.name,
          input: parseArgs(c.arguments, `messages[${i}].tool_calls.arguments`),
        });
      push("assistant", content);
    }
  });
  const out: JsonObject = { max_tokens: req.maxTokens ?? DEFAULT_MAX_TOKENS, messages };
  if (req.model !== undefined) out.model = req.model;
  if (req.system.length > 0) out.system = req.system.join("\n");
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.topP !== undefined) out.top_p = req.topP;
  if (req.topK !== undefined) out.top_k = req.topK;
  if (req.stop !== undefined && req.stop.length > 0) out.stop_sequences = req.stop;
  if (req.stream) out.stream = true;
  if (req.tools.length > 0) {
    out.tools = req.tools.map((t) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      input_schema: t.parameters,
    }));
  }
  const tc = req.toolChoice;
  const noParallel = req.parallelToolCalls === false && req.tools.length > 0;
  if (tc || noParallel) {
    const choice: JsonObject =
      tc?.type === "tool"
        ? { type: "tool", name: tc.name }
        : { type: tc?.type === "required" ? "any" : (tc?.type ?? "auto") };
    if (noParallel && choice.type !== "none") choice.disable_parallel_tool_use = true;
    out.tool_choice = choice;
  }
  if (req.user !== undefined) out.metadata = { user_id: req.user };
  return out;
}

const STOP_FROM: Record<string, FinishReason> = {
  end_turn: "stop",
  max_tokens: "length",
  stop_sequence: "stop_sequence",
  tool_use: "tool_calls",
  refusal: "content_filter",
  pause_turn: "stop",
};

function usageFrom(u: unknown): NeutralUsage {
  const out: NeutralUsage = {};
  const input = num(u, "input_tokens");
  const read = num(u, "cache_read_input_tokens");
  const created = num(u, "cache_creation_input_tokens");
  if (input !== undefined) out.input = input + (read ?? 0) + (created ?? 0);
  if (read !== undefined) out.cachedInput = read;
  if (created !== undefined) out.cacheCreation = created;
  const output = num(u, "output_tokens");
  if (output !== undefined) out.output = output;
  return out;
}

/** An Anthropic message -> neutral. */
export function parseMessagesResponse(json: unknown): NeutralResponse {
  const content = isObject(json) && Array.isArray(json.content) ? json.content : [];
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const b of content) {
    const t = str(b, "type");
    if (t === "text") text += str(b, "text") ?? "";
    else if (t === "tool_use")
      toolCalls.push({
        id: str(b, "id") ?? "",
        name: str(b, "name") ?? "",
        arguments: JSON.stringify(isObject(b) ? (b.input ?? {}) : {}),
      });
  }
  const stopSequence = str(json, "stop_sequence");
  return {
    id: str(json, "id") ?? "",
    model: str(json, "model") ?? "",
    text,
    toolCalls,
    finish: STOP_FROM[str(json, "stop_reason") ?? ""] ?? "stop",
    ...(stopSequence !== undefined ? { stopSequence } : {}),
    usage: usageFrom(isObject(json) ? json.usage : undefined),
  };
}

function stopTo(r: FinishReason): string {
  const map: Record<FinishReason, string> = {
    stop: "end_turn",
    length: "max_tokens",
    stop_sequence: "stop_sequence",
    tool_calls: "tool_use",
    content_filter: "refusal",
  };
  return map[r];
}

function usageTo(u: NeutralUsage): JsonObject {
  const cached = u.cachedInput ?? 0;
  const created = u.cacheCreation ?? 0;
  return {
    input_tokens: Math.max(0, (u.input ?? 0) - cached - created),
    output_tokens: u.output ?? 0,
    cache_creation_input_tokens: created,
    cache_read_input_tokens: cached,
  };
}

/** Neutral -> an Anthropic message (the client side). */
export function toMessagesResponse(r: NeutralResponse): JsonObject {
  const content: JsonObject[] = [];
  if (r.text !== "" || r.toolCalls.length === 0) content.push({ type: "text", text: r.text });
  for (const c of r.toolCalls)
    content.push({ type: "tool_use", id: c.id, name: c.name, input: parseArgsLenient(c.arguments) });
  return {
    id: r.id,
    type: "message",
    role: "assistant",
    model: r.model,
    content,
    stop_reason: stopTo(r.finish),
    stop_sequence: r.stopSequence ?? null,
    usage: usageTo(r.usage),
  };
}

function parseArgsLenient(args: string): unknown {
  try {
    return JSON.parse(args);
  } catch {
    return {};
  }
}

/** Anthropic events -> neutral (provider side). */
export class MessagesStreamDecoder {
  readonly #toolIndex = new Map<number, number>();

  decode(_data: string, json: unknown): NeutralEvent[] {
    const type = str(json, "type");
    if (type === "message_start") {
      const msg = isObject(json) ? json.message : undefined;
      return [
        { type: "start", id: str(msg, "id") ?? "", model: str(msg, "model") ?? "" },
        { type: "usage", usage: usageFrom(isObject(msg) ? msg.usage : undefined) },
      ];
    }
    if (type === "content_block_start") {
      const block = isObject(json) ? json.content_block : undefined;
      if (str(block, "type") !== "tool_use") return [];
      const index = this.#toolIndex.size;
      this.#toolIndex.set(num(json, "index") ?? 0, index);
      return [{ type: "tool_start", index, id: str(block, "id") ?? "", name: str(block, "name") ?? "" }];
    }
    if (type === "content_block_delta") {
      const dt = str(json, "delta", "type");
      if (dt === "text_delta") {
        const text = str(json, "delta", "text") ?? "";
        return text === "" ? [] : [{ type: "text", text }];
      }
      if (dt === "input_json_delta") {
        const index = this.#toolIndex.get(num(json, "index") ?? 0);
        const delta = str(json, "delta", "partial_json") ?? "";
        return index === undefined || delta === "" ? [] : [{ type: "tool_args", index, delta }];
      }
      return [];
    }
    if (type === "message_delta") {
      const out: NeutralEvent[] = [];
      const reason = str(json, "delta", "stop_reason");
      if (reason) {
        const seq = str(json, "delta", "stop_sequence");
        out.push({
          type: "finish",
          reason: STOP_FROM[reason] ?? "stop",
          ...(seq ? { stopSequence: seq } : {}),
        });
      }
      const usage = usageFrom(isObject(json) ? json.usage : undefined);
      // message_delta's input_tokens (when present) is the final count; 0 means "not reported here"
      if (usage.input === 0) delete usage.input;
      out.push({ type: "usage", usage });
      return out;
    }
    if (type === "message_stop") return [{ type: "end" }];
    if (type === "error")
      return [
        {
          type: "error",
          message: str(json, "error", "message") ?? "provider error",
          errorType: str(json, "error", "type") ?? "api_error",
        },
      ];
    return [];
  }
}

function sse(event: string, data: JsonObject): string {
  return `event: ${event}\ndata: ${JSON.stringify({ type: event, ...data })}\n\n`;
}

/** Neutral events -> Anthropic events (client side). One content block open at a time. */
export class MessagesStreamEncoder {
  #block = -1;
  #open: "text" | "tool" | undefined;
  readonly #toolBlock = new Map<number, number>();
  #finish: FinishReason = "stop";
  #stopSequence: string | undefined;
  readonly #usage: NeutralUsage = {};
  #started = false;
  #ended = false;

  #close(): string {
    if (this.#open === undefined) return "";
    this.#open = undefined;
    return sse("content_block_stop", { index: this.#block });
  }

  #startMessage(id: string, model: string): string {
    this.#started = true;
    return sse("message_start", {
      message: {
        id,
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usageTo(this.#usage),
      },
    });
  }

  encode(ev: NeutralEvent): string {
    switch (ev.type) {
      case "start":
        return this.#startMessage(ev.id, ev.model);
      case "text": {
        let out = "";
        if (this.#open !== "text") {
          out += this.#close();
          this.#block++;
          this.#open = "text";
          out += sse("content_block_start", {
            index: this.#block,
            content_block: { type: "text", text: "" },
          });
        }
        return (
          out +
          sse("content_block_delta", { index: this.#block, delta: { type: "text_delta", text: ev.text } })
        );
      }
      case "tool_start": {
        let out = this.#close();
        this.#block++;
        this.#open = "tool";
        this.#toolBlock.set(ev.index, this.#block);
        out += sse("content_block_start", {
          index: this.#block,
          content_block: { type: "tool_use", id: ev.id, name: ev.name, input: {} },
        });
        return out;
      }
      case "tool_args": {
        const block = this.#toolBlock.get(ev.index);
        if (block === undefined) return "";
        return sse("content_block_delta", {
          index: block,
          delta: { type: "input_json_delta", partial_json: ev.delta },
        });
      }
      case "finish":
        this.#finish = ev.reason;
        this.#stopSequence = ev.stopSequence;
        return "";
      case "usage":
        for (const [k, v] of Object.entries(ev.usage))
          if (v !== undefined) (this.#usage as Record<string, number>)[k] = v;
        return "";
      case "error":
        return `event: error\ndata: ${JSON.stringify({ type: "error", error: { type: ev.errorType, message: ev.message } })}\n\n`;
      case "end": {
        if (this.#ended) return "";
        this.#ended = true;
        let out = this.#started ? "" : this.#startMessage("", "");
        out += this.#close();
        out += sse("message_delta", {
          delta: { stop_reason: stopTo(this.#finish), stop_sequence: this.#stopSequence ?? null },
          usage: usageTo(this.#usage),
        });
        return out + sse("message_stop", {});
      }
    }
  }
}
