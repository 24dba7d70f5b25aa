// Anthropic Messages: POST /v1/messages (the anthropic-version header is required, as upstream)
// and GET /v1/models when that header is present. The stream is the real event sequence:
// message_start (usage.input_tokens, output_tokens 1), content_block_start, ping,
// content_block_delta × N, content_block_stop, message_delta (final usage.output_tokens),
// message_stop.
import { z } from "zod";
import { estimateInputTokens, limitedAnswer, textOf } from "./content.ts";
import { errorReply } from "./errors.ts";
import { anthropicModelList } from "./models.ts";
import type { Reply } from "./reply.ts";
import { type HandlerInput, parseBody, type Route } from "./route.ts";
import { SSE_CONTENT_TYPE, sseEvent } from "./sse.ts";
import { argPieces, type PlannedCall, planCall } from "./tools.ts";

// As strict as the Messages API: unknown top-level fields, unknown block types and a missing
// max_tokens are 400 invalid_request_error, as at Anthropic.
const CacheControl = z
  .object({ type: z.literal("ephemeral"), ttl: z.string().optional() })
  .strict()
  .nullish();
const TextBlock = z
  .object({
    type: z.literal("text"),
    text: z.string(),
    cache_control: CacheControl,
    citations: z.unknown().optional(),
  })
  .strict();
const ImageBlock = z
  .object({
    type: z.literal("image"),
    source: z.discriminatedUnion("type", [
      z
        .object({
          type: z.literal("base64"),
          media_type: z.enum(["image/jpeg", "image/png", "image/gif", "image/webp"]),
          data: z.string().min(1),
        })
        .strict(),
      z.object({ type: z.literal("url"), url: z.string().url() }).strict(),
    ]),
    cache_control: CacheControl,
  })
  .strict();
const ToolUseBlock = z
  .object({
    type: z.literal("tool_use"),
    id: z.string().regex(/^[a-zA-Z0-9_-]+$/),
    name: z.string().min(1),
    input: z.record(z.string(), z.unknown()),
    cache_control: CacheControl,
  })
  .strict();
const ToolResultBlock = z
  .object({
    type: z.literal("tool_result"),
    tool_use_id: z.string().regex(/^[a-zA-Z0-9_-]+$/),
    content: z.union([z.string(), z.array(z.discriminatedUnion("type", [TextBlock, ImageBlock]))]).optional(),
    is_error: z.boolean().optional(),
    cache_control: CacheControl,
  })
  .strict();
const Block = z.discriminatedUnion("type", [TextBlock, ImageBlock, ToolUseBlock, ToolResultBlock]);
const MessageParam = z
  .object({ role: z.enum(["user", "assistant"]), content: z.union([z.string(), z.array(Block)]) })
  .strict();
const Tool = z
  .object({
    name: z.string().regex(/^[a-zA-Z0-9_-]{1,128}$/),
    description: z.string().optional(),
    input_schema: z.object({ type: z.literal("object") }).passthrough(),
    type: z.literal("custom").optional(),
    cache_control: CacheControl,
  })
  .strict();
const ToolChoice = z.discriminatedUnion("type", [
  z.object({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }).strict(),
  z.object({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }).strict(),
  z.object({ type: z.literal("none") }).strict(),
  z
    .object({ type: z.literal("tool"), name: z.string(), disable_parallel_tool_use: z.boolean().optional() })
    .strict(),
]);

export const MessagesRequestSchema = z
  .object({
    model: z.string().min(1),
    messages: z.array(MessageParam).min(1),
    system: z.union([z.string(), z.array(TextBlock)]).optional(),
    max_tokens: z.number().int().positive(),
    stream: z.boolean().optional(),
    temperature: z.number().min(0).max(1).optional(),
    top_p: z.number().min(0).max(1).optional(),
    top_k: z.number().int().nonnegative().optional(),
    stop_sequences: z.array(z.string()).optional(),
    metadata: z.object({ user_id: z.string().nullish() }).strict().optional(),
    tools: z.array(Tool).optional(),
    tool_choice: ToolChoice.optional(),
    thinking: z.unknown().optional(),
    service_tier: z.enum(["auto", "standard_only"]).optional(),
  })
  .strict();

export type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

/** The Messages answer (JSON or stream) to a validated request; Vertex AI reuses it. */
export function messages(req: MessagesRequest, input: HandlerInput): Reply {
  const id = input.nextId("msg_sim");
  const inputTokens = estimateInputTokens([...textOf(req.system), ...req.messages.flatMap((m) => textOf(m))]);
  const call = toolCall(req);
  if (call) return toolUse(req, call, id, inputTokens);
  const a = limitedAnswer(input.chunks, req.max_tokens);
  const stop = a.truncated ? "max_tokens" : "end_turn";
  if (req.stream !== true) {
    return {
      kind: "json",
      status: 200,
      body: {
        id,
        type: "message",
        role: "assistant",
        model: req.model,
        content: [{ type: "text", text: a.text }],
        stop_reason: stop,
        stop_sequence: null,
        usage: {
          input_tokens: inputTokens,
          output_tokens: a.tokens.length,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
        },
      },
    };
  }
  const start = {
    type: "message_start",
    message: {
      id,
      type: "message",
      role: "assistant",
      model: req.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: {
        input_tokens: inputTokens,
        output_tokens: 1,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
      },
    },
  };
  const open = `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":`;
  return {
    kind: "stream",
    contentType: SSE_CONTENT_TYPE,
    head:
      sseEvent("message_start", JSON.stringify(start)) +
      sseEvent(
        "content_block_start",
        `{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}`,
      ) +
      sseEvent("ping", `{"type": "ping"}`),
    count: a.tokens.length,
    chunk: (i) => `${open}${a.tokensJson[i]}}}\n\n`,
    tail:
      sseEvent("content_block_stop", `{"type":"content_block_stop","index":0}`) +
      sseEvent(
        "message_delta",
        JSON.stringify({
          type: "message_delta",
          delta: { stop_reason: stop, stop_sequence: null },
          usage: { output_tokens: a.tokens.length },
        }),
      ) +
      sseEvent("message_stop", `{"type":"message_stop"}`),
  };
}

function toolCall(req: MessagesRequest): PlannedCall | undefined {
  const last = req.messages.at(-1);
  const endsWithToolResult =
    last !== undefined && Array.isArray(last.content) && last.content.some((b) => b.type === "tool_result");
  const choice = req.tool_choice;
  return planCall(
    (req.tools ?? []).map((t) => ({ name: t.name, schema: t.input_schema })),
    {
      endsWithToolResult,
      none: choice?.type === "none",
      ...(choice?.type === "tool" ? { forced: choice.name } : {}),
    },
  );
}

/** A tool_use answer: one tool_use block; streamed as input_json_delta fragments. */
function toolUse(req: MessagesRequest, call: PlannedCall, id: string, inputTokens: number): Reply {
  const block = { type: "tool_use", id: `toolu_${id}`, name: call.name, input: call.args };
  const usage = {
    input_tokens: inputTokens,
    output_tokens: 3,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
  const message = { id, type: "message", role: "assistant", model: req.model, stop_sequence: null };
  if (req.stream !== true) {
    return {
      kind: "json",
      status: 200,
      body: { ...message, content: [block], stop_reason: "tool_use", usage },
    };
  }
  const pieces = argPieces(call.argsJson);
  return {
    kind: "stream",
    contentType: SSE_CONTENT_TYPE,
    head:
      sseEvent(
        "message_start",
        JSON.stringify({
          type: "message_start",
          message: { ...message, content: [], stop_reason: null, usage: { ...usage, output_tokens: 1 } },
        }),
      ) +
      sseEvent(
        "content_block_start",
        JSON.stringify({ type: "content_block_start", index: 0, content_block: { ...block, input: {} } }),
      ),
    count: pieces.length,
    chunk: (i) =>
      sseEvent(
        "content_block_delta",
        JSON.stringify({
          type: "content_block_delta",
          index: 0,
          delta: { type: "input_json_delta", partial_json: pieces[i] },
        }),
      ),
    tail:
      sseEvent("content_block_stop", `{"type":"content_block_stop","index":0}`) +
      sseEvent(
        "message_delta",
        JSON.stringify({
          type: "message_delta",
          delta: { stop_reason: "tool_use", stop_sequence: null },
          usage: { output_tokens: 3 },
        }),
      ) +
      sseEvent("message_stop", `{"type":"message_stop"}`),
  };
}

const hasVersion = (headers: Readonly<Record<string, string>>) => headers["anthropic-version"] !== undefined;

export const anthropicRoutes: Route[] = [
  {
    provider: "anthropic",
    method: "POST",
    pattern: /^\/v1\/messages$/,
    handle(input) {
      if (!hasVersion(input.headers)) return errorReply("anthropic", "missing_anthropic_version");
      const p = parseBody("anthropic", MessagesRequestSchema, input.body);
      return p.ok ? messages(p.value, input) : p.reply;
    },
  },
  {
    provider: "anthropic",
    method: "GET",
    pattern: /^\/v1\/models$/,
    when: hasVersion,
    handle: anthropicModelList,
  },
];
