// Neutral <-> Gemini generateContent. Written from the Gemini API reference
// (ai.google.dev/api/generate-content, /api/caching#Content, /gemini-api/docs/function-calling):
// contents with roles user/model, parts (text, inlineData, functionCall, functionResponse),
// systemInstruction, generationConfig, tools.functionDeclarations, toolConfig.functionCallingConfig,
// finishReason, usageMetadata; streamGenerateContent?alt=sse sends whole GenerateContentResponse
// chunks with cumulative usageMetadata and no terminator event.
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

function partsToGemini(parts: Part[], where: string): JsonObject[] {
  return parts.map((p) => {
    if (p.type === "text") return { text: p.text };
    if (p.data !== undefined) return { inlineData: { mimeType: p.mediaType ?? "image/png", data: p.data } };
    throw new TranslationError(where, "Gemini takes images inline: send a data: URL (base64)");
  });
}

function parseArgs(args: string, where: string): unknown {
  try {
    return args.trim() === "" ? {} : JSON.parse(args);
  } catch {
    throw new TranslationError(where, "must be JSON to be sent to this backend");
  }
}

/** Neutral -> a Gemini GenerateContentRequest (the model goes in the path, not the body). */
export function toGenerateRequest(req: NeutralRequest): JsonObject {
  if (req.parallelToolCalls === false)
    unsupported(req, "parallel_tool_calls", "cannot be turned off on Gemini");
  const names = new Map<string, string>();
  const contents: { role: string; parts: JsonObject[] }[] = [];
  const push = (role: string, parts: JsonObject[]): void => {
    const last = contents.at(-1);
    if (last && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };
  req.messages.forEach((m, i) => {
    const where = `messages[${i}].content`;
    if (m.role === "user") push("user", partsToGemini(m.content, where));
    else if (m.role === "assistant") {
      const parts = partsToGemini(
        m.content.filter((p) => p.type !== "text" || p.text !== ""),
        where,
      );
      for (const c of m.toolCalls) {
        names.set(c.id, c.name);
        parts.push({
          functionCall: { name: c.name, args: parseArgs(c.arguments, `messages[${i}].tool_calls.arguments`) },
        });
      }
      push("model", parts);
    } else {
      const name = names.get(m.toolCallId);
      if (name === undefined)
        throw new TranslationError(`messages[${i}].tool_call_id`, "names no earlier tool call");
      const text = m.content.map((p) => (p.type === "text" ? p.text : "")).join("");
      const response = m.isError ? { error: text } : { result: text };
      push("user", [{ functionResponse: { name, response } }]);
    }
  });
  const out: JsonObject = { contents };
  if (req.system.length > 0) out.systemInstruction = { parts: req.system.map((text) => ({ text })) };
  const gen: JsonObject = {};
  if (req.maxTokens !== undefined) gen.maxOutputTokens = req.maxTokens;
  if (req.temperature !== undefined) gen.temperature = req.temperature;
  if (req.topP !== undefined) gen.topP = req.topP;
  if (req.topK !== undefined) gen.topK = req.topK;
  if (req.stop !== undefined && req.stop.length > 0) gen.stopSequences = req.stop;
  const rf = req.responseFormat;
  if (rf) {
    gen.responseMimeType = "application/json";
    if (rf.type === "json_schema") gen.responseJsonSchema = rf.schema;
  }
  if (Object.keys(gen).length > 0) out.generationConfig = gen;
  if (req.tools.length > 0) {
    out.tools = [
      {
        functionDeclarations: req.tools.map((t) => ({
          name: t.name,
          ...(t.description ? { description: t.description } : {}),
          parametersJsonSchema: t.parameters,
        })),
      },
    ];
  }
  const tc = req.toolChoice;
  if (tc) {
    const mode = tc.type === "auto" ? "AUTO" : tc.type === "none" ? "NONE" : "ANY";
    out.toolConfig = {
      functionCallingConfig: { mode, ...(tc.type === "tool" ? { allowedFunctionNames: [tc.name] } : {}) },
    };
  }
  return out;
}

const FINISH_FROM: Record<string, FinishReason> = {
  STOP: "stop",
  MAX_TOKENS: "length",
  SAFETY: "content_filter",
  RECITATION: "content_filter",
  BLOCKLIST: "content_filter",
  PROHIBITED_CONTENT: "content_filter",
  SPII: "content_filter",
  IMAGE_SAFETY: "content_filter",
};

export function geminiUsage(meta: unknown): NeutralUsage {
  const out: NeutralUsage = {};
  const input = num(meta, "promptTokenCount");
  if (input !== undefined) out.input = input;
  const candidates = num(meta, "candidatesTokenCount");
  const thoughts = num(meta, "thoughtsTokenCount");
  if (candidates !== undefined || thoughts !== undefined) out.output = (candidates ?? 0) + (thoughts ?? 0);
  if (thoughts !== undefined) out.reasoning = thoughts;
  const cached = num(meta, "cachedContentTokenCount");
  if (cached !== undefined) out.cachedInput = cached;
  return out;
}

interface Candidate {
  text: string;
  calls: { name: string; args: unknown; id: string | undefined }[];
  finish: string | undefined;
}

function candidate(json: unknown): Candidate {
  const c = isObject(json) && Array.isArray(json.candidates) ? json.candidates[0] : undefined;
  const parts = isObject(c) && isObject(c.content) && Array.isArray(c.content.parts) ? c.content.parts : [];
  let text = "";
  const calls: Candidate["calls"] = [];
  for (const p of parts) {
    if (!isObject(p) || p.thought === true) continue;
    if (typeof p.text === "string") text += p.text;
    if (isObject(p.functionCall))
      calls.push({
        name: str(p.functionCall, "name") ?? "",
        args: p.functionCall.args ?? {},
        id: str(p.functionCall, "id"),
      });
  }
  return { text, calls, finish: str(c, "finishReason") };
}

function finishOf(reason: string | undefined, sawCalls: boolean): FinishReason {
  if (sawCalls && (reason === "STOP" || reason === undefined)) return "tool_calls";
  return FINISH_FROM[reason ?? ""] ?? "stop";
}

/** A Gemini GenerateContentResponse -> neutral. `fallbackModel`: the model named in the request path. */
export function parseGenerateResponse(json: unknown, fallbackModel: string): NeutralResponse {
  const c = candidate(json);
  const toolCalls: ToolCall[] = c.calls.map((f, i) => ({
    id: f.id ?? `call_${i}`,
    name: f.name,
    arguments: JSON.stringify(f.args),
  }));
  return {
    id: str(json, "responseId") ?? "",
    model: str(json, "modelVersion") ?? fallbackModel,
    text: c.text,
    toolCalls,
    finish: finishOf(c.finish, toolCalls.length > 0),
    usage: geminiUsage(isObject(json) ? json.usageMetadata : undefined),
  };
}

/** Gemini SSE chunks -> neutral. Function calls arrive whole: a start and one args delta each. */
export class GenerateStreamDecoder {
  readonly #model: string;
  #started = false;
  #calls = 0;
  #finish: string | undefined;

  constructor(fallbackModel: string) {
    this.#model = fallbackModel;
  }

  decode(_data: string, json: unknown): NeutralEvent[] {
    if (!isObject(json)) return [];
    if (isObject(json.error))
      return [
        { type: "error", message: str(json, "error", "message") ?? "provider error", errorType: "api_error" },
      ];
    const out: NeutralEvent[] = [];
    if (!this.#started) {
      this.#started = true;
      out.push({
        type: "start",
        id: str(json, "responseId") ?? "",
        model: str(json, "modelVersion") ?? this.#model,
      });
    }
    const c = candidate(json);
    if (c.text !== "") out.push({ type: "text", text: c.text });
    for (const f of c.calls) {
      const index = this.#calls++;
      out.push({ type: "tool_start", index, id: f.id ?? `call_${index}`, name: f.name });
      out.push({ type: "tool_args", index, delta: JSON.stringify(f.args) });
    }
    if (c.finish !== undefined) this.#finish = c.finish;
    if (isObject(json.usageMetadata)) out.push({ type: "usage", usage: geminiUsage(json.usageMetadata) });
    return out;
  }

  /** The upstream stream ended (Gemini has no terminator event). */
  end(): NeutralEvent[] {
    return [{ type: "finish", reason: finishOf(this.#finish, this.#calls > 0) }, { type: "end" }];
  }
}
