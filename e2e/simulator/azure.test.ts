import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AzureOpenAI } from "openai";
import { estimateInputTokens, type Simulator, simulatedReplyText, startSimulator } from "./index.ts";
import { postJson } from "./testing.ts";

describe("simulator: Azure OpenAI with the openai SDK's AzureOpenAI client", () => {
  let sim: Simulator;
  let client: AzureOpenAI;
  const apiVersion = "2024-10-21";
  before(async () => {
    sim = await startSimulator();
    client = new AzureOpenAI({
      endpoint: sim.url,
      apiKey: "azure-key-1",
      apiVersion,
      deployment: "prod-gpt4o",
      maxRetries: 0,
    });
  });
  after(() => sim.close());

  it("answers chat on the deployment path, named after the deployment", async () => {
    const r = await client.chat.completions.create({
      model: "ignored-by-azure",
      messages: [{ role: "user", content: "Tell me a joke" }],
    });
    assert.equal(r.model, "prod-gpt4o");
    assert.equal(r.choices[0]?.message.content, simulatedReplyText(5));
    assert.equal(r.usage?.prompt_tokens, estimateInputTokens(["Tell me a joke"]));
    assert.equal(r.usage?.completion_tokens, 5);
    const rec = sim.lastRequest();
    assert.equal(rec?.path, "/openai/deployments/prod-gpt4o/chat/completions");
    assert.equal(rec?.query["api-version"], apiVersion);
    assert.equal(rec?.headers["api-key"], "azure-key-1");
  });

  it("streams with the final usage chunk", async () => {
    const stream = await client.chat.completions.create({
      model: "x",
      messages: [{ role: "user", content: "Tell me a joke" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let completion: number | undefined;
    for await (const c of stream) {
      assert.equal(c.model, "prod-gpt4o");
      text += c.choices[0]?.delta.content ?? "";
      if (c.usage) completion = c.usage.completion_tokens;
    }
    assert.equal(text, simulatedReplyText(5));
    assert.equal(completion, 5);
  });

  it("creates embeddings on the deployment path", async () => {
    const r = await client.embeddings.create({ model: "x", input: "embed me" });
    assert.equal(r.model, "prod-gpt4o");
    assert.equal(r.usage.prompt_tokens, estimateInputTokens(["embed me"]));
    assert.equal(sim.lastRequest()?.path, "/openai/deployments/prod-gpt4o/embeddings");
  });

  it("answers 404 without api-version", async () => {
    const res = await postJson(`${sim.url}/openai/deployments/prod-gpt4o/chat/completions`, {
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { message: string; type: string; code: string } };
    assert.equal(typeof body.error.message, "string");
    assert.equal(body.error.code, "not_found");
  });
});
