// OpenAI Chat Completions (also served for Azure deployments): JSON answer, or SSE chunks ending
// in `data: [DONE]`. With stream_options.include_usage the chunks carry `"usage":null` and a last
// chunk with `choices: []` carries the usage, as OpenAI does; without it the stream has no usage.
import { z } from "zod";
import { type answer, estimateInputTokens, limitedAnswer, textOf } from "./content.ts";
import type { Reply } from "./reply.ts";
import type { HandlerInput } from "./route.ts";
import { SSE_CONTENT_TYPE, sseData } from "./sse.ts";
import { argPieces, type PlannedCall, planCall } from "./tools.ts";

// As strict as OpenAI: an unrecognized request argument (an Anthropic "system" or "max_tokens"-less
// body is fine, but "top_k" or "stop_sequences" is not) is 400, and so is a malformed message.
const ContentPart = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }).strict(),
  z
    .object({
      type: z.literal("image_url"),
      image_url: z
        .object({ url: z.string().min(1), detail: z.enum(["auto", "low", "high"]).optional() })
        .strict(),
    })
    .strict(),
  z.object({ type: z.literal("input_audio"), input_audio: z.unknown() }).strict(),
  z.object({ type: z.literal("file"), file: z.unknown() }).strict(),
]);
const ToolCallParam = z
  .object({
    id: z.string().min(1),
    type: z.literal("function"),
    function: z.object({ name: z.string().min(1), arguments: z.string() }).strict(),
  })
  .strict();
const Message = z.discriminatedUnion("role", [
  z
    .object({
      role: z.enum(["system", "developer"]),
      content: z.union([z.string(), z.array(ContentPart)]),
      name: z.string().optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal("user"),
      content: z.union([z.string(), z.array(ContentPart)]),
      name: z.string().optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal("assistant"),
      content: z.union([z.string(), z.array(ContentPart)]).nullish(),
      tool_calls: z.array(ToolCallParam).optional(),
      refusal: z.string().nullish(),
      name: z.string().optional(),
      audio: z.unknown().optional(),
      function_call: z.unknown().optional(),
    })
    .strict(),
  z
    .object({
      role: z.literal("tool"),
      content: z.union([z.string(), z.array(ContentPart)]),
      tool_call_id: z.string().min(1),
    })
    .strict(),
  z.object({ role: z.literal("function"), content: z.string().nullable(), name: z.string() }).strict(),
]);
const Tool = z
  .object({
    type: z.literal("function"),
    function: z
      .object({
        name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
        description: z.string().optional(),
        parameters: z.record(z.string(), z.unknown()).optional(),
        strict: z.boolean().nullish(),
      })
      .strict(),
  })
  .strict();

export const ChatRequestSchema = z
  .object({
    model: z.string().min(1).optional(),
    messages: z.array(Message).min(1),
    stream: z.boolean().nullish(),
    stream_options: z
      .object({ include_usage: z.boolean().nullish(), include_obfuscation: z.boolean().nullish() })
      .strict()
      .nullish(),
    max_tokens: z.number().int().positive().nullish(),
    max_completion_tokens: z.number().int().positive().nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().min(0).max(1).nullish(),
    n: z.number().int().min(1).nullish(),
    stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
    tools: z.array(Tool).optional(),
    tool_choice: z
      .union([
        z.enum(["none", "auto", "required"]),
        z.object({ type: z.literal("function"), function: z.object({ name: z.string() }).strict() }).strict(),
      ])
      .optional(),
    parallel_tool_calls: z.boolean().optional(),
    response_format: z
      .union([
        z.object({ type: z.enum(["text", "json_object"]) }).strict(),
        z
          .object({
            type: z.literal("json_schema"),
            json_schema: z
              .object({
                name: z.string(),
                schema: z.unknown().optional(),
                strict: z.boolean().nullish(),
                description: z.string().optional(),
              })
              .strict(),
          })
          .strict(),
      ])
      .optional(),
    user: z.string().optional(),
    seed: z.number().int().nullish(),
    frequency_penalty: z.number().nullish(),
    presence_penalty: z.number().nullish(),
    logit_bias: z.record(z.string(), z.number()).nullish(),
    logprobs: z.boolean().nullish(),
    top_logprobs: z.number().int().nullish(),
    metadata: z.record(z.string(), z.string()).nullish(),
    store: z.boolean().nullish(),
    service_tier: z.string().nullish(),
    reasoning_effort: z.string().nullish(),
    modalities: z.array(z.string()).nullish(),
    audio: z.unknown().optional(),
    prediction: z.unknown().optional(),
    prompt_cache_key: z.string().optional(),
    safety_identifier: z.string().optional(),
    verbosity: z.string().nullish(),
    web_search_options: z.unknown().optional(),
    functions: z.unknown().optional(),
    function_call: z.unknown().optional(),
  })
  .strict();

export type ChatRequest = z.infer<typeof ChatRequestSchema>;

export function chatUsage(prompt: number, completion: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The answer to a validated chat request, named `model` in the response. */
export function chatCompletion(req: ChatRequest, model: string, input: HandlerInput): Reply {
  const id = input.nextId("chatcmpl-sim");
  const created = input.now();
  const prompt = estimateInputTokens(req.messages.flatMap((m) => textOf(m)));
  const call = toolCall(req);
  if (call) return toolCallReply(call, { id, created, model, usage: chatUsage(prompt, 3) }, req);
  const a = limitedAnswer(input.chunks, req.max_completion_tokens ?? req.max_tokens);
  const usage = chatUsage(prompt, a.tokens.length);
  const finish = a.truncated ? "length" : "stop";
  if (req.stream === true)
    return chatStream({ id, created, model, a, usage, finish }, req.stream_options?.include_usage);
  return {
    kind: "json",
    status: 200,
    body: {
      id,
      object: "chat.completion",
      created,
      model,
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: a.text, refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      usage,
      service_tier: "default",
      system_fingerprint: "fp_sim",
    },
  };
}

interface StreamParts {
  id: string;
  created: number;
  model: string;
  a: ReturnType<typeof answer>;
  usage: ReturnType<typeof chatUsage>;
  finish: "stop" | "length";
}

function chatStream(p: StreamParts, includeUsage: boolean | null | undefined): Reply {
  const base = `{"id":${JSON.stringify(p.id)},"object":"chat.completion.chunk","created":${p.created},"model":${JSON.stringify(p.model)},"service_tier":"default","system_fingerprint":"fp_sim","choices":[{"index":0,"delta":`;
  const usageNull = includeUsage ? `,"usage":null` : "";
  const open = `data: ${base}{"content":`;
  const close = `},"logprobs":null,"finish_reason":null}]${usageNull}}\n\n`;
  const usageChunk = {
    id: p.id,
    object: "chat.completion.chunk",
    created: p.created,
    model: p.model,
    service_tier: "default",
    system_fingerprint: "fp_sim",
    choices: [],
    usage: p.usage,
  };
  return {
    kind: "stream",
    contentType: SSE_CONTENT_TYPE,
    head: sseData(
      `${base}{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}]${usageNull}}`,
    ),
    count: p.a.tokens.length,
    chunk: (i) => open + p.a.tokensJson[i] + close,
    tail:
      sseData(`${base}{},"logprobs":null,"finish_reason":"${p.finish}"}]${usageNull}}`) +
      (includeUsage ? sseData(JSON.stringify(usageChunk)) : "") +
      sseData("[DONE]"),
  };
}

function toolCall(req: ChatRequest): PlannedCall | undefined {
  const choice = req.tool_choice;
  return planCall(
    (req.tools ?? []).map((t) => ({ name: t.function.name, schema: t.function.parameters })),
    {
      endsWithToolResult: req.messages.at(-1)?.role === "tool",
      none: choice === "none",
      ...(typeof choice === "object" ? { forced: choice.function.name } : {}),
    },
  );
}

/** A tool call answer: message.tool_calls; streamed as a tool_calls delta with argument fragments. */
function toolCallReply(
  call: PlannedCall,
  p: { id: string; created: number; model: string; usage: ReturnType<typeof chatUsage> },
  req: ChatRequest,
): Reply {
  const callId = `call_${p.id.replace(/[^a-zA-Z0-9]/g, "")}`;
  const head = {
    id: p.id,
    object: "chat.completion.chunk",
    created: p.created,
    model: p.model,
    system_fingerprint: "fp_sim",
  };
  if (req.stream !== true) {
    return {
      kind: "json",
      status: 200,
      body: {
        ...head,
        object: "chat.completion",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: null,
              refusal: null,
              tool_calls: [
                { id: callId, type: "function", function: { name: call.name, arguments: call.argsJson } },
              ],
            },
            logprobs: null,
            finish_reason: "tool_calls",
          },
        ],
        usage: p.usage,
      },
    };
  }
  const includeUsage = req.stream_options?.include_usage === true;
  const chunk = (delta: unknown, finish: string | null) =>
    sseData(
      JSON.stringify({
        ...head,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
        ...(includeUsage ? { usage: null } : {}),
      }),
    );
  const pieces = argPieces(call.argsJson);
  return {
    kind: "stream",
    contentType: SSE_CONTENT_TYPE,
    head: chunk(
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { index: 0, id: callId, type: "function", function: { name: call.name, arguments: "" } },
        ],
      },
      null,
    ),
    count: pieces.length,
    chunk: (i) => chunk({ tool_calls: [{ index: 0, function: { arguments: pieces[i] } }] }, null),
    tail:
      chunk({}, "tool_calls") +
      (includeUsage ? sseData(JSON.stringify({ ...head, choices: [], usage: p.usage })) : "") +
      sseData("[DONE]"),
  };
}
