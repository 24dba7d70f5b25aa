// Bedrock in the translation plan: every client family is translated to Converse, the answer and
// the relay's {"<eventType>": payload} stream events come back in the client's format.
import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyPath, type Endpoint } from "./catalogue.ts";
import { familyOf, needsTranslation, translateRequest, UntranslatableEndpoint } from "./plan.ts";

const MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const ctx = { nowS: 1_800_000_000, providerModel: undefined, geminiApiVersion: undefined, seq: 7 };

function endpoint(path: string): Endpoint {
  const c = classifyPath(path);
  assert.ok(c.kind === "endpoint");
  return c.endpoint;
}

test("Bedrock speaks Converse: chat, messages and responses are all translated", () => {
  assert.equal(familyOf("bedrock"), "bedrock");
  for (const p of ["/v1/chat/completions", "/v1/messages", "/v1/responses"])
    assert.equal(needsTranslation(endpoint(p), "bedrock"), true, p);
});

test("chat -> Converse path and body; the answer back as a chat completion", () => {
  const t = translateRequest(
    endpoint("/v1/chat/completions"),
    "bedrock",
    { model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: 9 },
    ctx,
  );
  assert.ok(t);
  assert.equal(t.path, `/model/${encodeURIComponent(MODEL)}/converse`);
  assert.deepEqual(t.body, {
    messages: [{ role: "user", content: [{ text: "hi" }] }],
    inferenceConfig: { maxTokens: 9 },
  });
  const out = t.response.json({
    output: { message: { role: "assistant", content: [{ text: "Hello" }] } },
    stopReason: "end_turn",
    usage: { inputTokens: 3, outputTokens: 1 },
  }) as {
    id: string;
    model: string;
    choices: { message: { content: string } }[];
    usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  };
  assert.equal(out.choices[0]?.message.content, "Hello");
  assert.equal(out.model, MODEL);
  assert.match(out.id, /bdrk_/);
  assert.deepEqual([out.usage.prompt_tokens, out.usage.completion_tokens, out.usage.total_tokens], [3, 1, 4]);
});

test("the backend's model wins; a missing model is refused", () => {
  const t = translateRequest(
    endpoint("/v1/messages"),
    "bedrock",
    { model: "x", max_tokens: 5, stream: true, messages: [{ role: "user", content: "hi" }] },
    { ...ctx, providerModel: "amazon.nova-lite-v1:0" },
  );
  assert.equal(t?.path, `/model/${encodeURIComponent("amazon.nova-lite-v1:0")}/converse-stream`);
  assert.throws(() =>
    translateRequest(
      endpoint("/v1/chat/completions"),
      "bedrock",
      { messages: [{ role: "user", content: "hi" }] },
      ctx,
    ),
  );
  assert.throws(
    () => translateRequest(endpoint("/v1/embeddings"), "bedrock", { model: MODEL, input: "x" }, ctx),
    UntranslatableEndpoint,
  );
});

test("stream events re-framed as Anthropic events, ending once", () => {
  const t = translateRequest(
    endpoint("/v1/messages"),
    "bedrock",
    { model: MODEL, max_tokens: 5, stream: true, messages: [{ role: "user", content: "hi" }] },
    ctx,
  );
  assert.ok(t);
  const ev = (o: object) => t.response.event(JSON.stringify(o), o);
  let text = ev({ messageStart: { role: "assistant" } });
  text += ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: "Hel" } } });
  text += ev({ contentBlockDelta: { contentBlockIndex: 0, delta: { text: "lo" } } });
  text += ev({ contentBlockStop: { contentBlockIndex: 0 } });
  text += ev({ messageStop: { stopReason: "end_turn" } });
  text += ev({ metadata: { usage: { inputTokens: 2, outputTokens: 2 } } });
  const tail = t.response.end();
  assert.match(text, /event: message_start/);
  assert.match(text, /"text":"Hel"/);
  assert.match(text, /event: message_stop/);
  assert.equal(tail, "", "metadata already ended the stream");
  assert.equal((text.match(/event: message_stop/g) ?? []).length, 1);
});
