import assert from "node:assert/strict";
import { test } from "node:test";
import { applyBackendAi } from "./backend-ai.ts";

const ai = {
  prepend: [
    { role: "system" as const, content: "Answer in French." },
    { role: "user" as const, content: "Context: ACME." },
  ],
  append: [{ role: "user" as const, content: "Be brief." }],
  defaults: [{ field: "temperature", value: 0.2 }],
  overrides: [{ field: "max_tokens", value: 64 }],
  modelAliases: { fast: "gpt-4o-mini" },
};

test("OpenAI chat: alias, default (kept when the client sets it), override, messages around the client's", () => {
  const body: Record<string, unknown> = {
    model: "fast",
    max_tokens: 4000,
    messages: [{ role: "user", content: "Hi" }],
  };
  assert.equal(applyBackendAi(body, ai, "openai", "chat"), true);
  assert.deepEqual(body, {
    model: "gpt-4o-mini",
    max_tokens: 64,
    temperature: 0.2,
    messages: [
      { role: "system", content: "Answer in French." },
      { role: "user", content: "Context: ACME." },
      { role: "user", content: "Hi" },
      { role: "user", content: "Be brief." },
    ],
  });
  const set: Record<string, unknown> = { model: "other", temperature: 1, messages: [] };
  applyBackendAi(set, ai, "openai", "chat");
  assert.equal(set.temperature, 1);
  assert.equal(set.model, "other");
});

test("Anthropic Messages: system text joins `system` (string or blocks), turns go to messages", () => {
  const body: Record<string, unknown> = {
    model: "c",
    system: "Be kind.",
    messages: [{ role: "user", content: "Hi" }],
  };
  applyBackendAi(body, ai, "anthropic", "messages");
  assert.equal(body.system, "Answer in French.\nBe kind.");
  assert.deepEqual(body.messages, [
    { role: "user", content: "Context: ACME." },
    { role: "user", content: "Hi" },
    { role: "user", content: "Be brief." },
  ]);
  const blocks: Record<string, unknown> = { system: [{ type: "text", text: "x" }], messages: [] };
  applyBackendAi(blocks, { prepend: ai.prepend }, "anthropic", "messages");
  assert.deepEqual(blocks.system, [
    { type: "text", text: "Answer in French." },
    { type: "text", text: "x" },
  ]);
});

test("Gemini: system text joins systemInstruction, turns become contents with Gemini roles", () => {
  const body: Record<string, unknown> = { contents: [{ role: "user", parts: [{ text: "Hi" }] }] };
  applyBackendAi(
    body,
    { prepend: ai.prepend, append: [{ role: "assistant", content: "Ok." }] },
    "gemini",
    "generate",
  );
  assert.deepEqual(body.systemInstruction, { parts: [{ text: "Answer in French." }] });
  assert.deepEqual(body.contents, [
    { role: "user", parts: [{ text: "Context: ACME." }] },
    { role: "user", parts: [{ text: "Hi" }] },
    { role: "model", parts: [{ text: "Ok." }] },
  ]);
});

test("Responses: a string input becomes a message list; embeddings take no prompt; no change is no change", () => {
  const r: Record<string, unknown> = { model: "m", input: "Hi" };
  applyBackendAi(r, { prepend: [ai.prepend[0] as (typeof ai.prepend)[number]] }, "openai", "responses");
  assert.deepEqual(r.input, [
    { role: "system", content: "Answer in French." },
    { role: "user", content: "Hi" },
  ]);
  const e: Record<string, unknown> = { model: "m", input: "x" };
  assert.equal(applyBackendAi(e, { prepend: ai.prepend }, "openai", "embeddings"), false);
  assert.deepEqual(e, { model: "m", input: "x" });
});
