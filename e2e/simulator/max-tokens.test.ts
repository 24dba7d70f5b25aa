// The output limit a client sets cuts the answer, as at the providers: OpenAI finish_reason
// "length", Anthropic stop_reason "max_tokens", Gemini finishReason "MAX_TOKENS"; usage counts
// what was produced. (Spend-control tests rely on it to bound what a request can cost.)
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { type Simulator, startSimulator } from "./index.ts";

describe("simulator: max tokens cut the answer", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ chunks: 12 });
  });
  after(() => sim.close());

  it("OpenAI chat: max_tokens and max_completion_tokens, JSON and stream", async () => {
    const client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "k", maxRetries: 0 });
    const cut = await client.chat.completions.create({
      model: "m",
      max_tokens: 5,
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(cut.choices[0]?.finish_reason, "length");
    assert.equal(cut.usage?.completion_tokens, 5);
    const whole = await client.chat.completions.create({
      model: "m",
      max_completion_tokens: 50,
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(whole.choices[0]?.finish_reason, "stop");
    assert.equal(whole.usage?.completion_tokens, 12);
    const stream = await client.chat.completions.create({
      model: "m",
      max_tokens: 3,
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "x" }],
    });
    let finish: string | null | undefined;
    let completion: number | undefined;
    for await (const c of stream) {
      finish = c.choices[0]?.finish_reason ?? finish;
      completion = c.usage?.completion_tokens ?? completion;
    }
    assert.equal(finish, "length");
    assert.equal(completion, 3);
  });

  it("Anthropic: stop_reason max_tokens", async () => {
    const client = new Anthropic({ baseURL: sim.url, apiKey: "k", maxRetries: 0 });
    const m = await client.messages.create({
      model: "c",
      max_tokens: 4,
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(m.stop_reason, "max_tokens");
    assert.equal(m.usage.output_tokens, 4);
    const s = client.messages.stream({
      model: "c",
      max_tokens: 4,
      messages: [{ role: "user", content: "x" }],
    });
    const final = await s.finalMessage();
    assert.equal(final.stop_reason, "max_tokens");
  });

  it("Gemini: finishReason MAX_TOKENS", async () => {
    const ai = new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: sim.url } });
    const r = await ai.models.generateContent({
      model: "gemini-2.0-flash",
      contents: "x",
      config: { maxOutputTokens: 2 },
    });
    assert.equal(r.candidates?.[0]?.finishReason, "MAX_TOKENS");
    assert.equal(r.usageMetadata?.candidatesTokenCount, 2);
  });
});
