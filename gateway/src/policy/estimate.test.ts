import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_OUTPUT_RESERVATION, estimateRequest } from "./estimate.ts";
import { costMicros, findPrice } from "./prices.ts";

test("OpenAI input is counted with the tokenizer; output is max_tokens or the default", () => {
  const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello world" }], max_tokens: 50 };
  const e = estimateRequest(body, "openai");
  // "Hello world" is 2 tokens in o200k, plus 3 per collected string
  assert.equal(e.inputTokens, 5);
  assert.equal(e.outputTokens, 50);
  assert.equal(estimateRequest({ messages: [] }, "openai").outputTokens, DEFAULT_OUTPUT_RESERVATION);
  assert.equal(estimateRequest({ max_completion_tokens: 7 }, "azureopenai").outputTokens, 7);
});

test("other providers: one token per 3 characters; Gemini's maxOutputTokens counts", () => {
  const body = {
    contents: [{ role: "user", parts: [{ text: "abcdefghij" }] }],
    generationConfig: { maxOutputTokens: 12 },
  };
  assert.deepEqual(estimateRequest(body, "gemini"), { inputTokens: 4, outputTokens: 12 });
  assert.equal(
    estimateRequest({ system: "abc", messages: [{ role: "user", content: "def" }] }, "anthropic").inputTokens,
    3,
  );
});

test("prices: policy overrides first, prefixes, azure uses OpenAI prices, cost rounds up", () => {
  const built = findPrice([], "azureopenai", "gpt-4o-mini-2024-07-18");
  assert.equal(built?.inputPerMillionMicros, 150_000);
  const override = {
    model: "gpt-4o-mini",
    inputPerMillionMicros: 1_000_000,
    outputPerMillionMicros: 2_000_000,
  };
  assert.equal(findPrice([override], "openai", "gpt-4o-mini"), override);
  assert.equal(findPrice([], "openai", "my-local-model"), undefined);
  assert.equal(findPrice([], "anthropic", "gpt-4o"), undefined);
  // Vertex AI: the publishers' list prices; a policy price for vertexai only applies there
  assert.equal(findPrice([], "vertexai", "claude-sonnet-4-5@20250929")?.inputPerMillionMicros, 3_000_000);
  assert.equal(findPrice([], "vertexai", "gemini-2.5-flash")?.outputPerMillionMicros, 2_500_000);
  assert.equal(findPrice([], "vertexai", "gpt-4o"), undefined);
  const vertexOnly = { ...override, provider: "vertexai" as const, model: "gemini-2.5-flash" };
  assert.equal(findPrice([vertexOnly], "vertexai", "gemini-2.5-flash"), vertexOnly);
  assert.notEqual(findPrice([vertexOnly], "gemini", "gemini-2.5-flash"), vertexOnly);
  // 1000 in * $0.15/M + 100 out * $0.60/M = $0.00021 = 210 microdollars
  assert.equal(costMicros(built as NonNullable<typeof built>, 1000, 100), 210);
  assert.equal(costMicros(built as NonNullable<typeof built>, 1, 0), 1);
});
