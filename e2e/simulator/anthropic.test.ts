import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { estimateInputTokens, type Simulator, simulatedReplyText, startSimulator } from "./index.ts";
import { parseSse, postJson } from "./testing.ts";

describe("simulator: Anthropic with the official @anthropic-ai/sdk", () => {
  let sim: Simulator;
  let client: Anthropic;
  before(async () => {
    sim = await startSimulator({ chunks: 6 });
    client = new Anthropic({ baseURL: sim.url, apiKey: "sk-ant-test", maxRetries: 0 });
  });
  after(() => sim.close());

  const prompt = "Write a haiku about gateways.";

  it("creates a message with usage input_tokens/output_tokens", async () => {
    const m = await client.messages.create({
      model: "claude-sonnet-4-5",
      max_tokens: 64,
      system: "You are terse.",
      messages: [{ role: "user", content: prompt }],
    });
    assert.equal(m.model, "claude-sonnet-4-5");
    assert.equal(m.content[0]?.type, "text");
    assert.equal(m.content[0]?.type === "text" ? m.content[0].text : "", simulatedReplyText(6));
    assert.equal(m.stop_reason, "end_turn");
    assert.equal(m.usage.input_tokens, estimateInputTokens(["You are terse.", prompt]));
    assert.equal(m.usage.output_tokens, 6);
    const rec = sim.lastRequest();
    assert.equal(rec?.path, "/v1/messages");
    // @anthropic-ai/sdk 1.x sends the API key as a bearer token, not x-api-key.
    assert.equal(rec?.headers.authorization, "Bearer sk-ant-test");
    assert.ok(rec?.headers["anthropic-version"]);
  });

  it("streams; finalMessage carries input tokens from message_start and output tokens from message_delta", async () => {
    const stream = client.messages.stream({
      model: "claude-haiku-4-5",
      max_tokens: 64,
      messages: [{ role: "user", content: [{ type: "text", text: prompt }] }],
    });
    let text = "";
    stream.on("text", (delta) => {
      text += delta;
    });
    const final = await stream.finalMessage();
    assert.equal(text, simulatedReplyText(6));
    assert.equal(final.model, "claude-haiku-4-5");
    assert.equal(final.usage.input_tokens, estimateInputTokens([prompt]));
    assert.equal(final.usage.output_tokens, 6);
    assert.equal(final.stop_reason, "end_turn");
  });

  it("sends the real event sequence", async () => {
    const res = await postJson(
      `${sim.url}/v1/messages`,
      { model: "claude-x", max_tokens: 16, stream: true, messages: [{ role: "user", content: prompt }] },
      { "anthropic-version": "2023-06-01" },
    );
    assert.equal(res.status, 200);
    const events = parseSse(await res.text());
    const names = events.map((e) => e.event);
    assert.deepEqual(names, [
      "message_start",
      "content_block_start",
      "ping",
      ...Array.from({ length: 6 }, () => "content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    for (const e of events) assert.equal((JSON.parse(e.data) as { type: string }).type, e.event);
    const start = JSON.parse(events[0]?.data ?? "{}") as { message: { usage: Record<string, number> } };
    assert.equal(start.message.usage.input_tokens, estimateInputTokens([prompt]));
    assert.equal(start.message.usage.output_tokens, 1);
    const delta = JSON.parse(events.at(-2)?.data ?? "{}") as { usage: { output_tokens: number } };
    assert.equal(delta.usage.output_tokens, 6);
  });

  it("lists models on GET /v1/models when the anthropic-version header is present", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes("claude-sonnet-4-5"));
  });

  it("requires the anthropic-version header, answering in Anthropic's error shape", async () => {
    const res = await postJson(`${sim.url}/v1/messages`, {
      model: "claude-x",
      max_tokens: 16,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    assert.equal(body.type, "error");
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /anthropic-version/);
  });

  it("rejects a message without messages as invalid_request_error", async () => {
    await assert.rejects(
      client.messages.create({ model: "claude-x", max_tokens: 8, messages: [] }),
      (e: unknown) => e instanceof Anthropic.BadRequestError && e.status === 400,
    );
  });
});
