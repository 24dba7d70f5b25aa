// What every contender gets: the same ~1 KB chat completion request, the same fixed upstream
// answer, the same (fake) provider key. The key is a bench constant, never a real credential.
import { registerSecret } from "./redact.ts";

export const MODEL = "gpt-4o-mini";
export const PROVIDER_KEY = registerSecret("sk-bench-0000000000000000000000000000");
export const CHAT_PATH = "/v1/chat/completions";

const filler =
  "Summarise the following release notes for an operator audience in three short bullet points. " +
  "Keep each bullet under twenty words and mention any breaking change first. ";

function chatBody(stream: boolean): string {
  const messages = [
    { role: "system", content: "You are a concise assistant for platform engineers." },
    { role: "user", content: filler.repeat(5) },
  ];
  const body: Record<string, unknown> = { model: MODEL, messages, max_tokens: 128, temperature: 0 };
  if (stream) body.stream = true;
  return JSON.stringify(body);
}

/** ~1 KB non-streaming request body. */
export const REQUEST_BODY = chatBody(false);
/** The same request with stream: true. */
export const STREAM_BODY = chatBody(true);

/** The mock upstream's fixed answer. Inlined in nginx.conf: no "$", single quote or backslash. */
export const MOCK_RESPONSE = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1700000000,
  model: MODEL,
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "No breaking changes; faster reloads; smaller images." },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 220, completion_tokens: 18, total_tokens: 238 },
});
