// Anthropic Messages: POST /v1/messages (the anthropic-version header is required, as upstream)
// and GET /v1/models when that header is present. The stream is the real event sequence:
// message_start (usage.input_tokens, output_tokens 1), content_block_start, ping,
// content_block_delta × N, content_block_stop, message_delta (final usage.output_tokens),
// message_stop.
import { z } from "zod";
import { answer, estimateInputTokens, textOf } from "./content.ts";
import { errorReply } from "./errors.ts";
import { anthropicModelList } from "./models.ts";
import type { Reply } from "./reply.ts";
import { type HandlerInput, parseBody, type Route } from "./route.ts";
import { SSE_CONTENT_TYPE, sseEvent } from "./sse.ts";

export const MessagesRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(z.unknown()).min(1),
  system: z.unknown().optional(),
  max_tokens: z.number().int().positive().optional(),
  stream: z.boolean().nullish(),
});

type MessagesRequest = z.infer<typeof MessagesRequestSchema>;

function messages(req: MessagesRequest, input: HandlerInput): Reply {
  const id = input.nextId("msg_sim");
  const inputTokens = estimateInputTokens([...textOf(req.system), ...req.messages.flatMap((m) => textOf(m))]);
  const a = answer(input.chunks);
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
        stop_reason: "end_turn",
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
          delta: { stop_reason: "end_turn", stop_sequence: null },
          usage: { output_tokens: a.tokens.length },
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
