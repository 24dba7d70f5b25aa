// OpenAI Responses API: a minimal completed Response object (usage input_tokens/output_tokens),
// or with `stream: true` the typed event sequence response.created … response.completed.
import { z } from "zod";
import { answer, estimateInputTokens, textOf } from "./content.ts";
import type { Reply } from "./reply.ts";
import type { HandlerInput } from "./route.ts";
import { SSE_CONTENT_TYPE, sseEvent } from "./sse.ts";

export const ResponsesRequestSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.unknown())]),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
});

type ResponsesRequest = z.infer<typeof ResponsesRequestSchema>;

interface Ids {
  id: string;
  msgId: string;
  created: number;
  model: string;
  instructions: string | null;
}

function message(ids: Ids, text: string, status: "in_progress" | "completed") {
  const content =
    status === "completed" ? [{ type: "output_text", text, annotations: [], logprobs: [] }] : [];
  return { type: "message", id: ids.msgId, status, role: "assistant", content };
}

function responseObject(ids: Ids, status: "in_progress" | "completed", text: string, usage: unknown) {
  return {
    id: ids.id,
    object: "response",
    created_at: ids.created,
    status,
    error: null,
    incomplete_details: null,
    instructions: ids.instructions,
    model: ids.model,
    output: status === "completed" ? [message(ids, text, "completed")] : [],
    parallel_tool_calls: true,
    temperature: 1,
    tool_choice: "auto",
    tools: [],
    top_p: 1,
    usage,
  };
}

export function responses(req: ResponsesRequest, input: HandlerInput): Reply {
  const ids: Ids = {
    id: input.nextId("resp_sim"),
    msgId: input.nextId("msg_sim"),
    created: input.now(),
    model: req.model,
    instructions: req.instructions ?? null,
  };
  const prompt = estimateInputTokens([...textOf(req.instructions ?? ""), ...textOf(req.input)]);
  const a = answer(input.chunks);
  const usage = {
    input_tokens: prompt,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: a.tokens.length,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: prompt + a.tokens.length,
  };
  if (req.stream !== true)
    return { kind: "json", status: 200, body: responseObject(ids, "completed", a.text, usage) };
  return responsesStream(ids, a, usage);
}

function responsesStream(ids: Ids, a: ReturnType<typeof answer>, usage: unknown): Reply {
  const n = a.tokens.length;
  const ev = (seq: number, type: string, fields: Record<string, unknown>) =>
    sseEvent(type, JSON.stringify({ type, sequence_number: seq, ...fields }));
  const at = { item_id: ids.msgId, output_index: 0, content_index: 0 };
  const part = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });
  const head =
    ev(0, "response.created", { response: responseObject(ids, "in_progress", "", null) }) +
    ev(1, "response.in_progress", { response: responseObject(ids, "in_progress", "", null) }) +
    ev(2, "response.output_item.added", { output_index: 0, item: message(ids, "", "in_progress") }) +
    ev(3, "response.content_part.added", { ...at, part: part("") });
  const open = `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","item_id":${JSON.stringify(ids.msgId)},"output_index":0,"content_index":0,"logprobs":[],"sequence_number":`;
  return {
    kind: "stream",
    contentType: SSE_CONTENT_TYPE,
    head,
    count: n,
    chunk: (i) => `${open}${4 + i},"delta":${a.tokensJson[i]}}\n\n`,
    tail:
      ev(4 + n, "response.output_text.done", { ...at, text: a.text, logprobs: [] }) +
      ev(5 + n, "response.content_part.done", { ...at, part: part(a.text) }) +
      ev(6 + n, "response.output_item.done", { output_index: 0, item: message(ids, a.text, "completed") }) +
      ev(7 + n, "response.completed", { response: responseObject(ids, "completed", a.text, usage) }),
  };
}
