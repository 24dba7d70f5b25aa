// OpenAI Responses (client side) <-> neutral. Written from the Responses API reference
// (platform.openai.com/docs/api-reference/responses): input as a string or items (message with
// input_text / input_image / output_text parts, function_call, function_call_output), instructions,
// function tools, tool_choice, max_output_tokens, text.format; the response object (output items
// message / function_call, status, incomplete_details, usage with input/output token details) and
// its streaming events (response.created ... response.completed, each with a sequence_number).
import { isObject, num, str } from "../providers/json.ts";
import type {
  JsonObject,
  Message,
  NeutralEvent,
  NeutralRequest,
  NeutralResponse,
  NeutralUsage,
  Part,
  ToolCall,
} from "./neutral.ts";
import { TranslationError } from "./neutral.ts";

const KNOWN = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "max_output_tokens",
  "temperature",
  "top_p",
  "stream",
  "user",
  "text",
  "store",
]);

function parts(content: unknown, where: string): Part[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content))
    throw new TranslationError(where, "must be a string or an array of content parts");
  return content.map((p, i): Part => {
    const t = str(p, "type");
    if (t === "input_text" || t === "output_text") return { type: "text", text: str(p, "text") ?? "" };
    if (t === "input_image") {
      const url = str(p, "image_url");
      if (url === undefined)
        throw new TranslationError(`${where}[${i}].file_id`, "images by file id cannot be translated");
      const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
      return m ? { type: "image", mediaType: m[1], data: m[2] } : { type: "image", url };
    }
    throw new TranslationError(`${where}[${i}].type`, `'${t}' content parts cannot be translated`);
  });
}

/** A Responses request -> neutral. */
export function parseResponsesRequest(body: JsonObject, drop = false): NeutralRequest {
  for (const key of Object.keys(body)) {
    if (!KNOWN.has(key) && body[key] !== null && !drop)
      throw new TranslationError(key, "cannot be translated to this backend's API");
  }
  if (body.store === true && !drop)
    throw new TranslationError("store", "cannot be true: this backend stores no responses");
  const system: string[] = [];
  const instructions = str(body, "instructions");
  if (instructions) system.push(instructions);
  const messages: Message[] = [];
  const input = body.input;
  const items = typeof input === "string" ? [{ type: "message", role: "user", content: input }] : input;
  if (!Array.isArray(items)) throw new TranslationError("input", "must be a string or an array of items");
  items.forEach((item, i) => {
    const type = str(item, "type") ?? "message";
    const where = `input[${i}]`;
    if (type === "message") {
      const role = str(item, "role");
      const content = parts(isObject(item) ? item.content : undefined, `${where}.content`);
      if (role === "system" || role === "developer") {
        system.push(content.map((p) => (p.type === "text" ? p.text : "")).join("\n"));
      } else if (role === "user") messages.push({ role: "user", content });
      else if (role === "assistant") {
        const last = messages.at(-1);
        if (last?.role === "assistant" && last.content.length === 0) last.content.push(...content);
        else messages.push({ role: "assistant", content, toolCalls: [] });
      } else throw new TranslationError(`${where}.role`, `'${role}' cannot be translated`);
    } else if (type === "function_call") {
      const call: ToolCall = {
        id: str(item, "call_id") ?? "",
        name: str(item, "name") ?? "",
        arguments: str(item, "arguments") ?? "{}",
      };
      const last = messages.at(-1);
      if (last?.role === "assistant") last.toolCalls.push(call);
      else messages.push({ role: "assistant", content: [], toolCalls: [call] });
    } else if (type === "function_call_output") {
      const output = isObject(item) ? item.output : undefined;
      messages.push({
        role: "tool",
        toolCallId: str(item, "call_id") ?? "",
        content: parts(output, `${where}.output`),
      });
    } else throw new TranslationError(`${where}.type`, `'${type}' items cannot be translated`);
  });
  const tools = Array.isArray(body.tools)
    ? body.tools.map((t, i) => {
        if (str(t, "type") !== "function")
          throw new TranslationError(`tools[${i}].type`, "only function tools can be translated");
        const description = str(t, "description");
        const parameters =
          isObject(t) && isObject(t.parameters) ? t.parameters : { type: "object", properties: {} };
        return { name: str(t, "name") ?? "", ...(description ? { description } : {}), parameters };
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
  const maxTokens = num(body, "max_output_tokens");
  if (maxTokens !== undefined) req.maxTokens = maxTokens;
  const temperature = num(body, "temperature");
  if (temperature !== undefined) req.temperature = temperature;
  const topP = num(body, "top_p");
  if (topP !== undefined) req.topP = topP;
  const tc = body.tool_choice;
  if (tc === "auto" || tc === "none" || tc === "required") req.toolChoice = { type: tc };
  else if (isObject(tc) && tc.type === "function")
    req.toolChoice = { type: "tool", name: str(tc, "name") ?? "" };
  else if (tc !== undefined && tc !== null)
    throw new TranslationError("tool_choice", "is not a supported tool choice");
  if (typeof body.parallel_tool_calls === "boolean") req.parallelToolCalls = body.parallel_tool_calls;
  const format = isObject(body.text) ? body.text.format : undefined;
  const ftype = str(format, "type");
  if (ftype === "json_object") req.responseFormat = { type: "json_object" };
  else if (ftype === "json_schema" && isObject(format) && isObject(format.schema)) {
    const name = str(format, "name");
    req.responseFormat = { type: "json_schema", schema: format.schema, ...(name ? { name } : {}) };
  } else if (ftype !== undefined && ftype !== "text")
    throw new TranslationError("text.format", "is not a supported format");
  const user = str(body, "user");
  if (user !== undefined) req.user = user;
  return req;
}

function usageTo(u: NeutralUsage): JsonObject {
  const input = u.input ?? 0;
  const output = u.output ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.cachedInput ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u.reasoning ?? 0 },
    total_tokens: input + output,
  };
}

function responseId(id: string): string {
  return id.startsWith("resp_") ? id : `resp_${id.replace(/[^A-Za-z0-9]/g, "")}`;
}

function envelope(id: string, model: string, createdAt: number, status: string): JsonObject {
  return {
    id: responseId(id),
    object: "response",
    created_at: createdAt,
    status,
    model,
    error: null,
    incomplete_details: null,
  };
}

function textItem(id: string, text: string, status: string): JsonObject {
  return {
    type: "message",
    id: `msg_${responseId(id).slice(5)}`,
    status,
    role: "assistant",
    content: status === "in_progress" ? [] : [{ type: "output_text", text, annotations: [] }],
  };
}

function callItem(c: ToolCall, index: number, status: string): JsonObject {
  return {
    type: "function_call",
    id: `fc_${index}_${c.id}`,
    call_id: c.id,
    name: c.name,
    arguments: c.arguments,
    status,
  };
}

function incomplete(r: NeutralResponse): JsonObject | null {
  if (r.finish === "length") return { reason: "max_output_tokens" };
  if (r.finish === "content_filter") return { reason: "content_filter" };
  return null;
}

/** Neutral -> a Responses `response` object. */
export function toResponsesResponse(r: NeutralResponse, createdAt: number): JsonObject {
  const output: JsonObject[] = [];
  if (r.text !== "") output.push(textItem(r.id, r.text, "completed"));
  for (const c of r.toolCalls) output.push(callItem(c, output.length, "completed"));
  const inc = incomplete(r);
  return {
    ...envelope(r.id, r.model, createdAt, inc ? "incomplete" : "completed"),
    incomplete_details: inc,
    output,
    usage: usageTo(r.usage),
  };
}

/** Neutral events -> Responses streaming events. */
export class ResponsesStreamEncoder {
  readonly #createdAt: number;
  #seq = 0;
  #id = "";
  #model = "";
  #output = 0;
  #text: { index: number; text: string } | undefined;
  readonly #calls = new Map<number, { index: number; call: ToolCall; open: boolean }>();
  readonly #done: JsonObject[] = [];
  #finish: NeutralResponse["finish"] = "stop";
  readonly #usage: NeutralUsage = {};
  #ended = false;

  constructor(createdAt: number) {
    this.#createdAt = createdAt;
  }

  #ev(type: string, data: JsonObject): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: this.#seq++, ...data })}\n\n`;
  }

  #closeText(): string {
    const t = this.#text;
    if (!t) return "";
    this.#text = undefined;
    const itemId = `msg_${responseId(this.#id).slice(5)}`;
    const part = { type: "output_text", text: t.text, annotations: [] };
    const item = textItem(this.#id, t.text, "completed");
    this.#done[t.index] = item;
    return (
      this.#ev("response.output_text.done", {
        item_id: itemId,
        output_index: t.index,
        content_index: 0,
        text: t.text,
      }) +
      this.#ev("response.content_part.done", {
        item_id: itemId,
        output_index: t.index,
        content_index: 0,
        part,
      }) +
      this.#ev("response.output_item.done", { output_index: t.index, item })
    );
  }

  #closeCalls(): string {
    let out = "";
    for (const c of this.#calls.values()) {
      if (!c.open) continue;
      c.open = false;
      const item = callItem(c.call, c.index, "completed");
      this.#done[c.index] = item;
      out +=
        this.#ev("response.function_call_arguments.done", {
          item_id: item.id,
          output_index: c.index,
          arguments: c.call.arguments,
        }) + this.#ev("response.output_item.done", { output_index: c.index, item });
    }
    return out;
  }

  encode(ev: NeutralEvent): string {
    switch (ev.type) {
      case "start": {
        this.#id = ev.id;
        this.#model = ev.model;
        const response = {
          ...envelope(ev.id, ev.model, this.#createdAt, "in_progress"),
          output: [],
          usage: null,
        };
        return this.#ev("response.created", { response }) + this.#ev("response.in_progress", { response });
      }
      case "text": {
        let out = "";
        const itemId = `msg_${responseId(this.#id).slice(5)}`;
        if (!this.#text) {
          out += this.#closeCalls();
          this.#text = { index: this.#output++, text: "" };
          out += this.#ev("response.output_item.added", {
            output_index: this.#text.index,
            item: textItem(this.#id, "", "in_progress"),
          });
          out += this.#ev("response.content_part.added", {
            item_id: itemId,
            output_index: this.#text.index,
            content_index: 0,
            part: { type: "output_text", text: "", annotations: [] },
          });
        }
        this.#text.text += ev.text;
        return (
          out +
          this.#ev("response.output_text.delta", {
            item_id: itemId,
            output_index: this.#text.index,
            content_index: 0,
            delta: ev.text,
          })
        );
      }
      case "tool_start": {
        const out = this.#closeText();
        const c = { index: this.#output++, call: { id: ev.id, name: ev.name, arguments: "" }, open: true };
        this.#calls.set(ev.index, c);
        return (
          out +
          this.#ev("response.output_item.added", {
            output_index: c.index,
            item: callItem(c.call, c.index, "in_progress"),
          })
        );
      }
      case "tool_args": {
        const c = this.#calls.get(ev.index);
        if (!c) return "";
        c.call.arguments += ev.delta;
        return this.#ev("response.function_call_arguments.delta", {
          item_id: `fc_${c.index}_${c.call.id}`,
          output_index: c.index,
          delta: ev.delta,
        });
      }
      case "finish":
        this.#finish = ev.reason;
        return "";
      case "usage":
        for (const [k, v] of Object.entries(ev.usage))
          if (v !== undefined) (this.#usage as Record<string, number>)[k] = v;
        return "";
      case "error":
        return this.#ev("error", { code: ev.errorType, message: ev.message, param: null });
      case "end": {
        if (this.#ended) return "";
        this.#ended = true;
        const out = this.#closeText() + this.#closeCalls();
        const r: NeutralResponse = {
          id: this.#id,
          model: this.#model,
          text: "",
          toolCalls: [],
          finish: this.#finish,
          usage: this.#usage,
        };
        const inc = incomplete(r);
        const response = {
          ...envelope(this.#id, this.#model, this.#createdAt, inc ? "incomplete" : "completed"),
          incomplete_details: inc,
          output: this.#done.filter((x) => x !== undefined),
          usage: usageTo(this.#usage),
        };
        return out + this.#ev(inc ? "response.incomplete" : "response.completed", { response });
      }
    }
  }
}
