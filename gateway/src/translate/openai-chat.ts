// OpenAI Chat Completions <-> neutral. Written from the Chat Completions API reference
// (platform.openai.com/docs/api-reference/chat): request fields, the chat.completion object and the
// chat.completion.chunk stream (tool call deltas by index, finish_reason, the usage-only chunk when
// stream_options.include_usage is set, then "data: [DONE]").
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
  ToolChoice,
} from "./neutral.ts";
import { TranslationError, unsupported } from "./neutral.ts";

// Fields a translated request can carry. Anything else has no counterpart outside OpenAI.
const KNOWN = new Set([
  "model",
  "messages",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "stop",
  "stream",
  "stream_options",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "user",
  "n",
]);

function textParts(content: unknown, where: string): Part[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", text: content }];
  if (content === null || content === undefined) return [];
  if (!Array.isArray(content))
    throw new TranslationError(where, "must be a string or an array of content parts");
  return content.map((p, i): Part => {
    const type = str(p, "type");
    if (type === "text") return { type: "text", text: str(p, "text") ?? "" };
    if (type === "image_url") {
      const url = str(p, "image_url", "url") ?? "";
      const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
      return m ? { type: "image", mediaType: m[1], data: m[2] } : { type: "image", url };
    }
    throw new TranslationError(`${where}[${i}].type`, `'${type}' content parts cannot be translated`);
  });
}

function systemText(content: unknown, where: string): string {
  return textParts(content, where)
    .map((p) => {
      if (p.type !== "text") throw new TranslationError(where, "system messages can only hold text");
      return p.text;
    })
    .join("\n");
}

function toolChoiceOf(v: unknown): ToolChoice | undefined {
  if (v === undefined || v === null) return undefined;
  if (v === "auto" || v === "none" || v === "required") return { type: v };
  const name = str(v, "function", "name");
  if (name !== undefined) return { type: "tool", name };
  throw new TranslationError("tool_choice", "is not a supported tool choice");
}

/** An OpenAI chat request -> neutral (the client side). */
export function parseChatRequest(body: JsonObject, drop = false): NeutralRequest {
  for (const key of Object.keys(body)) {
    if (!KNOWN.has(key) && body[key] !== null && !drop)
      throw new TranslationError(key, "cannot be translated to this backend's API");
  }
  if (body.n !== undefined && body.n !== null && body.n !== 1)
    throw new TranslationError("n", "must be 1 for this backend");
  if (!Array.isArray(body.messages)) throw new TranslationError("messages", "must be an array");
  const system: string[] = [];
  const messages: Message[] = [];
  body.messages.forEach((m, i) => {
    const role = str(m, "role");
    const where = `messages[${i}].content`;
    const content = isObject(m) ? m.content : undefined;
    if (role === "system" || role === "developer") system.push(systemText(content, where));
    else if (role === "user") messages.push({ role: "user", content: textParts(content, where) });
    else if (role === "assistant") {
      const calls = isObject(m) && Array.isArray(m.tool_calls) ? m.tool_calls : [];
      const toolCalls: ToolCall[] = calls.map((c) => ({
        id: str(c, "id") ?? "",
        name: str(c, "function", "name") ?? "",
        arguments: str(c, "function", "arguments") ?? "{}",
      }));
      messages.push({ role: "assistant", content: textParts(content, where), toolCalls });
    } else if (role === "tool") {
      messages.push({
        role: "tool",
        toolCallId: str(m, "tool_call_id") ?? "",
        content: textParts(content, where),
      });
    } else throw new TranslationError(`messages[${i}].role`, `'${role}' cannot be translated`);
  });
  const tools = Array.isArray(body.tools)
    ? body.tools.map((t, i) => {
        if (str(t, "type") !== "function")
          throw new TranslationError(`tools[${i}].type`, "only function tools can be translated");
        const description = str(t, "function", "description");
        const parameters =
          isObject(t) && isObject(t.function) && isObject(t.function.parameters)
            ? t.function.parameters
            : { type: "object", properties: {} };
        return {
          name: str(t, "function", "name") ?? "",
          ...(description ? { description } : {}),
          parameters,
        };
      })
    : [];
  const req: NeutralRequest = {
    model: str(body, "model"),
    system,
    messages,
    stream: body.stream === true,
    tools,
    ...(drop ? { dropUnsupported: true } : {}),
  };
  const maxTokens = num(body, "max_completion_tokens") ?? num(body, "max_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = num(body, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = num(body, "top_p");
  if (topP !== undefined) req.topP = topP;
  if (typeof body.stop === "string") req.stop = [body.stop];
  else if (Array.isArray(body.stop)) req.stop = body.stop.filter((s): s is string => typeof s === "string");
  if (req.stream)
    req.streamUsage = isObject(body.stream_options) && body.stream_options.include_usage === true;
  const choice = toolChoiceOf(body.tool_choice);
  if (choice) req.toolChoice = choice;
  if (typeof body.parallel_tool_calls === "boolean") req.parallelToolCalls = body.parallel_tool_calls;
  const rf = body.response_format;
  if (isObject(rf)) {
    if (rf.type === "json_object") req.responseFormat = { type: "json_object" };
    else if (rf.type === "json_schema" && isObject(rf.json_schema) && isObject(rf.json_schema.schema)) {
      const name = str(rf, "json_schema", "name");
      req.responseFormat = { type: "json_schema", schema: rf.json_schema.schema, ...(name ? { name } : {}) };
    } else if (rf.type !== "text")
      throw new TranslationError("response_format", "is not a supported response format");
  }
  const user = str(body, "user");
  if (user !== undefined) req.user = user;
  return req;
}

function partsToOpenAi(parts: Part[]): string | JsonObject[] {
  if (parts.every((p) => p.type === "text"))
    return parts.map((p) => (p.type === "text" ? p.text : "")).join("");
  return parts.map((p) =>
    p.type === "text"
      ? { type: "text", text: p.text }
      : { type: "image_url", image_url: { url: p.url ?? `data:${p.mediaType};base64,${p.data}` } },
  );
}

/** Neutral -> an OpenAI chat request (the provider side). */
export function toChatRequest(req: NeutralRequest): JsonObject {
  if (req.topK !== undefined) unsupported(req, "top_k", "has no OpenAI Chat Completions counterpart");
  const messages: JsonObject[] = [];
  if (req.system.length > 0) messages.push({ role: "system", content: req.system.join("\n") });
  for (const m of req.messages) {
    if (m.role === "user") messages.push({ role: "user", content: partsToOpenAi(m.content) });
    else if (m.role === "assistant") {
      const out: JsonObject = {
        role: "assistant",
        content: m.content.length > 0 ? partsToOpenAi(m.content) : null,
      };
      if (m.toolCalls.length > 0)
        out.tool_calls = m.toolCalls.map((c) => ({
          id: c.id,
          type: "function",
          function: { name: c.name, arguments: c.arguments },
        }));
      messages.push(out);
    } else {
      if (m.content.some((p) => p.type !== "text"))
        throw new TranslationError("tool_result.content", "OpenAI tool messages hold text only");
      messages.push({ role: "tool", tool_call_id: m.toolCallId, content: partsToOpenAi(m.content) });
    }
  }
  const out: JsonObject = { messages };
  if (req.model !== undefined) out.model = req.model;
  if (req.maxTokens !== undefined) out.max_tokens = req.maxTokens;
  if (req.temperature !== undefined) out.temperature = req.temperature;
  if (req.topP !== undefined) out.top_p = req.topP;
  if (req.stop !== undefined && req.stop.length > 0) out.stop = req.stop;
  if (req.stream) {
    out.stream = true;
    out.stream_options = { include_usage: true };
  }
  if (req.tools.length > 0) {
    out.tools = req.tools.map((t) => ({
      type: "function",
      function: {
        name: t.name,
        ...(t.description ? { description: t.description } : {}),
        parameters: t.parameters,
      },
    }));
  }
  const tc = req.toolChoice;
  if (tc) out.tool_choice = tc.type === "tool" ? { type: "function", function: { name: tc.name } } : tc.type;
  if (req.parallelToolCalls !== undefined && req.tools.length > 0)
    out.parallel_tool_calls = req.parallelToolCalls;
  const rf = req.responseFormat;
  if (rf?.type === "json_object") out.response_format = { type: "json_object" };
  else if (rf?.type === "json_schema")
    out.response_format = {
      type: "json_schema",
      json_schema: { name: rf.name ?? "response", schema: rf.schema },
    };
  if (req.user !== undefined) out.user = req.user;
  return out;
}

const FINISH_FROM: Record<string, FinishReason> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool_calls",
  function_call: "tool_calls",
  content_filter: "content_filter",
};

function usageFrom(u: unknown): NeutralUsage {
  const out: NeutralUsage = {};
  const input = num(u, "prompt_tokens");
  if (input !== undefined) out.input = input;
  const output = num(u, "completion_tokens");
  if (output !== undefined) out.output = output;
  const cached = num(u, "prompt_tokens_details", "cached_tokens");
  if (cached !== undefined) out.cachedInput = cached;
  const reasoning = num(u, "completion_tokens_details", "reasoning_tokens");
  if (reasoning !== undefined) out.reasoning = reasoning;
  return out;
}

/** An OpenAI chat.completion -> neutral. */
export function parseChatResponse(json: unknown): NeutralResponse {
  const choice = isObject(json) && Array.isArray(json.choices) ? json.choices[0] : undefined;
  const msg = isObject(choice) ? choice.message : undefined;
  const calls = isObject(msg) && Array.isArray(msg.tool_calls) ? msg.tool_calls : [];
  return {
    id: str(json, "id") ?? "",
    model: str(json, "model") ?? "",
    text: str(msg, "content") ?? "",
    toolCalls: calls.map((c) => ({
      id: str(c, "id") ?? "",
      name: str(c, "function", "name") ?? "",
      arguments: str(c, "function", "arguments") ?? "{}",
    })),
    finish: FINISH_FROM[str(choice, "finish_reason") ?? ""] ?? "stop",
    usage: usageFrom(isObject(json) ? json.usage : undefined),
  };
}

function finishTo(r: FinishReason): string {
  return r === "stop_sequence" ? "stop" : r;
}

function usageTo(u: NeutralUsage): JsonObject {
  const input = u.input ?? 0;
  const output = u.output ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: u.cachedInput ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
  };
}

export interface ChatContext {
  /** Unix seconds for `created` (the caller's clock: this module is pure). */
  created: number;
}

/** Neutral -> an OpenAI chat.completion (the client side). */
export function toChatResponse(r: NeutralResponse, ctx: ChatContext): JsonObject {
  const message: JsonObject = {
    role: "assistant",
    content: r.text === "" && r.toolCalls.length > 0 ? null : r.text,
    refusal: null,
  };
  if (r.toolCalls.length > 0)
    message.tool_calls = r.toolCalls.map((c) => ({
      id: c.id,
      type: "function",
      function: { name: c.name, arguments: c.arguments },
    }));
  return {
    id: r.id,
    object: "chat.completion",
    created: ctx.created,
    model: r.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishTo(r.finish) }],
    usage: usageTo(r.usage),
  };
}

/** OpenAI chunk stream -> neutral events (provider side). Stateful: one per response. */
export class ChatStreamDecoder {
  #started = false;
  readonly #toolIndex = new Map<number, number>();

  decode(data: string, json: unknown): NeutralEvent[] {
    if (data === "[DONE]") return [{ type: "end" }];
    if (!isObject(json)) return [];
    if (isObject(json.error)) {
      return [
        {
          type: "error",
          message: str(json, "error", "message") ?? "provider error",
          errorType: str(json, "error", "type") ?? "api_error",
        },
      ];
    }
    const out: NeutralEvent[] = [];
    if (!this.#started) {
      this.#started = true;
      out.push({ type: "start", id: str(json, "id") ?? "", model: str(json, "model") ?? "" });
    }
    const choice = Array.isArray(json.choices) ? json.choices[0] : undefined;
    const delta = isObject(choice) ? choice.delta : undefined;
    const content = str(delta, "content");
    if (content) out.push({ type: "text", text: content });
    if (isObject(delta) && Array.isArray(delta.tool_calls)) {
      for (const tc of delta.tool_calls) {
        const upstreamIndex = num(tc, "index") ?? 0;
        let index = this.#toolIndex.get(upstreamIndex);
        if (index === undefined) {
          index = this.#toolIndex.size;
          this.#toolIndex.set(upstreamIndex, index);
          out.push({
            type: "tool_start",
            index,
            id: str(tc, "id") ?? "",
            name: str(tc, "function", "name") ?? "",
          });
        }
        const args = str(tc, "function", "arguments");
        if (args) out.push({ type: "tool_args", index, delta: args });
      }
    }
    const finish = str(choice, "finish_reason");
    if (finish) out.push({ type: "finish", reason: FINISH_FROM[finish] ?? "stop" });
    if (isObject(json.usage)) out.push({ type: "usage", usage: usageFrom(json.usage) });
    return out;
  }
}

/** Neutral events -> OpenAI chunks (client side). Finish and usage are held until the end. */
export class ChatStreamEncoder {
  readonly #created: number;
  readonly #includeUsage: boolean;
  #id = "";
  #model = "";
  #finish: FinishReason = "stop";
  readonly #usage: NeutralUsage = {};
  #ended = false;

  constructor(ctx: ChatContext & { includeUsage: boolean }) {
    this.#created = ctx.created;
    this.#includeUsage = ctx.includeUsage;
  }

  #chunk(delta: JsonObject, finish: string | null = null): string {
    const c: JsonObject = {
      id: this.#id,
      object: "chat.completion.chunk",
      created: this.#created,
      model: this.#model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (this.#includeUsage) c.usage = null;
    return `data: ${JSON.stringify(c)}\n\n`;
  }

  encode(ev: NeutralEvent): string {
    switch (ev.type) {
      case "start":
        this.#id = ev.id;
        this.#model = ev.model;
        return this.#chunk({ role: "assistant", content: "" });
      case "text":
        return this.#chunk({ content: ev.text });
      case "tool_start":
        return this.#chunk({
          tool_calls: [
            { index: ev.index, id: ev.id, type: "function", function: { name: ev.name, arguments: "" } },
          ],
        });
      case "tool_args":
        return this.#chunk({ tool_calls: [{ index: ev.index, function: { arguments: ev.delta } }] });
      case "finish":
        this.#finish = ev.reason;
        return "";
      case "usage":
        for (const [k, v] of Object.entries(ev.usage))
          if (v !== undefined) (this.#usage as Record<string, number>)[k] = v;
        return "";
      case "error":
        return `data: ${JSON.stringify({ error: { message: ev.message, type: ev.errorType, code: "provider_error" } })}\n\n`;
      case "end": {
        if (this.#ended) return "";
        this.#ended = true;
        let out = this.#chunk({}, finishTo(this.#finish));
        if (this.#includeUsage) {
          const u = {
            id: this.#id,
            object: "chat.completion.chunk",
            created: this.#created,
            model: this.#model,
            choices: [],
            usage: usageTo(this.#usage),
          };
          out += `data: ${JSON.stringify(u)}\n\n`;
        }
        return `${out}data: [DONE]\n\n`;
      }
    }
  }
}
