// Bedrock Converse, from the Bedrock API reference (Converse, ConverseStream, ContentBlock,
// ToolConfiguration, TokenUsage), and AWS event-stream framing split at arbitrary byte boundaries.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  ConverseStreamDecoder,
  conversePath,
  EventStreamFramer,
  encodeEventStreamMessage,
  parseConverseResponse,
  toConverseRequest,
} from "./bedrock-converse.ts";
import { TranslationError } from "./neutral.ts";
import { ChatStreamEncoder, parseChatRequest, toChatResponse } from "./openai-chat.ts";

const chat = parseChatRequest({
  model: "gpt-4o",
  messages: [
    { role: "system", content: "Be brief." },
    {
      role: "user",
      content: [
        { type: "text", text: "Weather?" },
        { type: "image_url", image_url: { url: "data:image/jpeg;base64,/9j/" } },
      ],
    },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "t1", type: "function", function: { name: "w", arguments: '{"c":"Oslo"}' } }],
    },
    { role: "tool", tool_call_id: "t1", content: "rain" },
  ],
  tools: [{ type: "function", function: { name: "w", parameters: { type: "object" } } }],
  tool_choice: "required",
  max_tokens: 100,
  temperature: 0.3,
  stop: ["X"],
});

test("OpenAI chat -> Converse request", () => {
  assert.equal(
    conversePath("anthropic.claude-3-haiku-20240307-v1:0", true),
    "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream",
  );
  assert.deepEqual(toConverseRequest(chat), {
    messages: [
      {
        role: "user",
        content: [{ text: "Weather?" }, { image: { format: "jpeg", source: { bytes: "/9j/" } } }],
      },
      { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "w", input: { c: "Oslo" } } }] },
      { role: "user", content: [{ toolResult: { toolUseId: "t1", content: [{ text: "rain" }] } }] },
    ],
    system: [{ text: "Be brief." }],
    inferenceConfig: { maxTokens: 100, temperature: 0.3, stopSequences: ["X"] },
    toolConfig: {
      tools: [{ toolSpec: { name: "w", inputSchema: { json: { type: "object" } } } }],
      toolChoice: { any: {} },
    },
  });
  assert.throws(
    () => toConverseRequest({ ...chat, responseFormat: { type: "json_object" } }),
    TranslationError,
  );
  assert.throws(() => toConverseRequest({ ...chat, toolChoice: { type: "none" } }), TranslationError);
});

test("Converse response -> OpenAI chat completion", () => {
  const r = parseConverseResponse(
    {
      output: {
        message: {
          role: "assistant",
          content: [{ text: "Rain." }, { toolUse: { toolUseId: "t2", name: "w", input: { c: "Bergen" } } }],
        },
      },
      stopReason: "tool_use",
      usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, cacheReadInputTokens: 4 },
      metrics: { latencyMs: 100 },
    },
    "anthropic.claude-3-haiku",
    "req-1",
  );
  assert.deepEqual(toChatResponse(r, { created: 1 }), {
    id: "req-1",
    object: "chat.completion",
    created: 1,
    model: "anthropic.claude-3-haiku",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: "Rain.",
          refusal: null,
          tool_calls: [{ id: "t2", type: "function", function: { name: "w", arguments: '{"c":"Bergen"}' } }],
        },
        logprobs: null,
        finish_reason: "tool_calls",
      },
    ],
    usage: {
      prompt_tokens: 14,
      completion_tokens: 5,
      total_tokens: 19,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  });
});

test("ConverseStream over event-stream frames, split anywhere, -> OpenAI chunks", () => {
  const frames = [
    encodeEventStreamMessage("messageStart", { role: "assistant" }),
    encodeEventStreamMessage("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi" } }),
    encodeEventStreamMessage("contentBlockStop", { contentBlockIndex: 0 }),
    encodeEventStreamMessage("contentBlockStart", {
      contentBlockIndex: 1,
      start: { toolUse: { toolUseId: "t3", name: "w" } },
    }),
    encodeEventStreamMessage("contentBlockDelta", {
      contentBlockIndex: 1,
      delta: { toolUse: { input: '{"c":' } },
    }),
    encodeEventStreamMessage("contentBlockDelta", {
      contentBlockIndex: 1,
      delta: { toolUse: { input: '"Oslo"}' } },
    }),
    encodeEventStreamMessage("contentBlockStop", { contentBlockIndex: 1 }),
    encodeEventStreamMessage("messageStop", { stopReason: "tool_use" }),
    encodeEventStreamMessage("metadata", {
      usage: { inputTokens: 7, outputTokens: 3, totalTokens: 10 },
      metrics: { latencyMs: 5 },
    }),
  ];
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let off = 0;
  for (const f of frames) {
    all.set(f, off);
    off += f.length;
  }
  const framer = new EventStreamFramer();
  const decoder = new ConverseStreamDecoder("m", "req-2");
  const encoder = new ChatStreamEncoder({ created: 1, includeUsage: true });
  let text = "";
  for (let i = 0; i < all.length; i += 7) {
    for (const msg of framer.push(all.subarray(i, i + 7))) {
      for (const ev of decoder.decode(msg.eventType, msg.json)) text += encoder.encode(ev);
    }
  }
  const chunks = text
    .split("\n\n")
    .filter((s) => s.startsWith("data: "))
    .map((s) => s.slice(6));
  assert.equal(chunks.at(-1), "[DONE]");
  const json = chunks.slice(0, -1).map(
    (c) =>
      JSON.parse(c) as {
        choices: { delta: Record<string, unknown>; finish_reason: string | null }[];
        usage: unknown;
      },
  );
  assert.deepEqual(
    json.map((c) => c.choices[0]?.delta ?? null),
    [
      { role: "assistant", content: "" },
      { content: "Hi" },
      { tool_calls: [{ index: 0, id: "t3", type: "function", function: { name: "w", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"c":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Oslo"}' } }] },
      {},
      null,
    ],
  );
  assert.equal(json[5]?.choices[0]?.finish_reason, "tool_calls");
  assert.deepEqual(json[6]?.usage, {
    prompt_tokens: 7,
    completion_tokens: 3,
    total_tokens: 10,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  });
});

test("a corrupt frame is an error, not garbage", () => {
  const f = encodeEventStreamMessage("messageStart", { role: "assistant" });
  f[f.length - 1] = (f[f.length - 1] ?? 0) ^ 0xff;
  assert.throws(() => new EventStreamFramer().push(f));
});
