import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { estimateInputTokens, type Simulator, simulatedReplyText, startSimulator } from "./index.ts";
import { parseSse, postJson } from "./testing.ts";

describe("simulator: OpenAI with the official openai SDK", () => {
  let sim: Simulator;
  let client: OpenAI;
  before(async () => {
    sim = await startSimulator({ chunks: 7 });
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "sk-test-openai", maxRetries: 0 });
  });
  after(() => sim.close());

  const question = "What is the capital of France? Answer in one word.";

  it("answers a chat completion with deterministic text and usage", async () => {
    const r = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: question },
      ],
    });
    const expectedPrompt = estimateInputTokens(["Be brief.", question]);
    assert.equal(r.model, "gpt-4o-mini");
    assert.equal(r.object, "chat.completion");
    assert.equal(r.choices[0]?.message.content, simulatedReplyText(7));
    assert.equal(r.choices[0]?.finish_reason, "stop");
    assert.deepEqual(
      { p: r.usage?.prompt_tokens, c: r.usage?.completion_tokens, t: r.usage?.total_tokens },
      { p: expectedPrompt, c: 7, t: expectedPrompt + 7 },
    );
    const rec = sim.lastRequest();
    assert.equal(rec?.method, "POST");
    assert.equal(rec?.path, "/v1/chat/completions");
    assert.equal(rec?.headers.authorization, "Bearer sk-test-openai");
    assert.equal((rec?.body as { model?: string } | undefined)?.model, "gpt-4o-mini");
    assert.equal(rec?.aborted, false);
  });

  it("counts text in content-part arrays", async () => {
    const r = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: [{ type: "text", text: question }] }],
    });
    assert.equal(r.usage?.prompt_tokens, estimateInputTokens([question]));
    assert.equal(r.model, "gpt-4o");
  });

  it("streams chunks and a final usage chunk with choices [] when include_usage is set", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: question }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let contentChunks = 0;
    let usage: OpenAI.CompletionUsage | undefined;
    let usageChunkChoices: number | undefined;
    let finish: string | null | undefined;
    for await (const chunk of stream) {
      assert.equal(chunk.model, "gpt-4o-mini");
      const delta = chunk.choices[0]?.delta.content;
      if (delta) {
        text += delta;
        contentChunks += 1;
      }
      if (chunk.choices[0]?.finish_reason) finish = chunk.choices[0].finish_reason;
      if (chunk.usage) {
        usage = chunk.usage;
        usageChunkChoices = chunk.choices.length;
      }
    }
    assert.equal(text, simulatedReplyText(7));
    assert.equal(contentChunks, 7);
    assert.equal(finish, "stop");
    assert.equal(usageChunkChoices, 0);
    assert.equal(usage?.prompt_tokens, estimateInputTokens([question]));
    assert.equal(usage?.completion_tokens, 7);
    assert.equal(usage?.total_tokens, estimateInputTokens([question]) + 7);
  });

  it("sends no usage in the stream without include_usage, and ends with [DONE]", async () => {
    const res = await postJson(`${sim.url}/v1/chat/completions`, {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: question }],
      stream: true,
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
    const events = parseSse(await res.text());
    assert.equal(events.at(-1)?.data, "[DONE]");
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e.data) as Record<string, unknown>);
    assert.equal(chunks.length, 1 + 7 + 1, "role chunk, 7 content chunks, finish chunk");
    for (const c of chunks) assert.equal("usage" in c, false);
  });

  it("streams 200 chunks when configured (bench shape)", async () => {
    sim.setChunks(200);
    try {
      const stream = await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "go" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let deltas = 0;
      let completion: number | undefined;
      for await (const chunk of stream) {
        if (chunk.choices[0]?.delta.content) deltas += 1;
        if (chunk.usage) completion = chunk.usage.completion_tokens;
      }
      assert.equal(deltas, 200);
      assert.equal(completion, 200);
    } finally {
      sim.setChunks(7);
    }
  });

  it("creates embeddings (SDK default base64 and explicit float) with usage", async () => {
    const inputs = ["first text to embed", "second"];
    const b64 = await client.embeddings.create({ model: "text-embedding-3-small", input: inputs });
    assert.equal(b64.data.length, 2);
    assert.equal(b64.model, "text-embedding-3-small");
    assert.equal(b64.usage.prompt_tokens, estimateInputTokens(inputs));
    assert.equal(b64.usage.total_tokens, b64.usage.prompt_tokens);
    assert.equal(
      (sim.lastRequest()?.body as { encoding_format?: string } | undefined)?.encoding_format,
      "base64",
    );
    const floats = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: inputs,
      encoding_format: "float",
      dimensions: 8,
    });
    assert.equal(floats.data[0]?.embedding.length, 8);
    const first = floats.data[0]?.embedding ?? [];
    const norm = Math.sqrt(first.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-5, `unit vector, got norm ${norm}`);
    const again = await client.embeddings.create({
      model: "text-embedding-3-small",
      input: inputs[0] ?? "",
      encoding_format: "float",
      dimensions: 8,
    });
    assert.deepEqual(again.data[0]?.embedding, first, "same input, same vector");
    const decoded = Array.from(b64.data[1]?.embedding ?? []);
    assert.equal(decoded.length, 16);
    assert.notDeepEqual(decoded, Array.from(b64.data[0]?.embedding ?? []));
  });

  it("lists and gets models", async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes("gpt-4o-mini"));
    const m = await client.models.retrieve("my-fine-tune");
    assert.equal(m.id, "my-fine-tune");
  });

  it("answers the Responses API with usage input_tokens/output_tokens", async () => {
    const r = await client.responses.create({
      model: "gpt-4.1-mini",
      instructions: "Be brief.",
      input: question,
    });
    assert.equal(r.model, "gpt-4.1-mini");
    assert.equal(r.status, "completed");
    assert.equal(r.output_text, simulatedReplyText(7));
    assert.equal(r.usage?.input_tokens, estimateInputTokens(["Be brief.", question]));
    assert.equal(r.usage?.output_tokens, 7);
  });

  it("streams the Responses API ending in response.completed with usage", async () => {
    const stream = await client.responses.create({
      model: "gpt-4.1-mini",
      input: [{ role: "user", content: question }],
      stream: true,
    });
    let text = "";
    const types: string[] = [];
    let usage: OpenAI.Responses.ResponseUsage | null | undefined;
    for await (const ev of stream) {
      types.push(ev.type);
      if (ev.type === "response.output_text.delta") text += ev.delta;
      if (ev.type === "response.completed") usage = ev.response.usage;
    }
    assert.equal(text, simulatedReplyText(7));
    assert.equal(types[0], "response.created");
    assert.equal(types.at(-1), "response.completed");
    assert.equal(usage?.input_tokens, estimateInputTokens([question]));
    assert.equal(usage?.output_tokens, 7);
  });

  it("rejects a request without a model with an OpenAI-style 400", async () => {
    const res = await postJson(`${sim.url}/v1/chat/completions`, {
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { message: string; type: string; code: string } };
    assert.equal(body.error.type, "invalid_request_error");
    assert.match(body.error.message, /model/);
  });

  it("rejects a body that is not JSON with an OpenAI-style 400, recording the raw text", async () => {
    const res = await fetch(`${sim.url}/v1/chat/completions`, { method: "POST", body: "not json{" });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { type: string } };
    assert.equal(body.error.type, "invalid_request_error");
    assert.equal(sim.lastRequest()?.body, "not json{");
  });

  it("answers an unknown path with an OpenAI-style 404", async () => {
    await assert.rejects(client.get("/nope"), (e: unknown) => e instanceof OpenAI.NotFoundError);
  });
});
