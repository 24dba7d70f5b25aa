// OpenAI Chat Completions (also served for Azure deployments): JSON answer, or SSE chunks ending
// in `data: [DONE]`. With stream_options.include_usage the chunks carry `"usage":null` and a last
// chunk with `choices: []` carries the usage, as OpenAI does; without it the stream has no usage.
import { z } from "zod";
import { answer, estimateInputTokens, textOf } from "./content.ts";
import type { Reply } from "./reply.ts";
import type { HandlerInput } from "./route.ts";
import { SSE_CONTENT_TYPE, sseData } from "./sse.ts";

export const ChatRequestSchema = z.object({
  model: z.string().min(1).optional(),
  messages: z.array(z.unknown()).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
});

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
  const a = answer(input.chunks);
  const usage = chatUsage(prompt, a.tokens.length);
  if (req.stream === true)
    return chatStream({ id, created, model, a, usage }, req.stream_options?.include_usage);
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
          finish_reason: "stop",
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
      sseData(`${base}{},"logprobs":null,"finish_reason":"stop"}]${usageNull}}`) +
      (includeUsage ? sseData(JSON.stringify(usageChunk)) : "") +
      sseData("[DONE]"),
  };
}
