import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GoogleGenAI } from "@google/genai";
import { estimateInputTokens, type Simulator, startSimulator } from "./index.ts";
import { postJson } from "./testing.ts";

describe("simulator: Gemini embeddings and countTokens, as the official @google/genai SDK calls them", () => {
  let sim: Simulator;
  let ai: GoogleGenAI;
  before(async () => {
    sim = await startSimulator({ chunks: 4 });
    ai = new GoogleGenAI({ apiKey: "gemini-key-1", httpOptions: { baseUrl: sim.url } });
  });
  after(() => sim.close());

  it("embeds a batch with the asked dimensionality; the same text gives the same vector", async () => {
    const r = await ai.models.embedContent({
      model: "text-embedding-004",
      contents: ["alpha", "beta", "alpha"],
      config: { outputDimensionality: 8 },
    });
    assert.equal(r.embeddings?.length, 3);
    assert.equal(r.embeddings?.[0]?.values?.length, 8);
    assert.deepEqual(r.embeddings?.[0]?.values, r.embeddings?.[2]?.values);
    assert.notDeepEqual(r.embeddings?.[0]?.values, r.embeddings?.[1]?.values);
    assert.equal(sim.lastRequest()?.path, "/v1beta/models/text-embedding-004:batchEmbedContents");
  });

  it("counts tokens of contents", async () => {
    const r = await ai.models.countTokens({ model: "gemini-2.0-flash", contents: "count these words" });
    assert.equal(r.totalTokens, estimateInputTokens(["count these words"]));
  });

  it("refuses what Gemini refuses: a model mismatch, an OpenAI body, both count forms, the wrong model kind", async () => {
    const url = (m: string, method: string) => `${sim.url}/v1beta/models/${m}:${method}`;
    const part = { parts: [{ text: "x" }] };
    const cases: [string, unknown][] = [
      [
        url("text-embedding-004", "batchEmbedContents"),
        { requests: [{ model: "models/other", content: part }] },
      ],
      [url("text-embedding-004", "batchEmbedContents"), { input: ["x"], model: "text-embedding-004" }],
      [url("text-embedding-004", "batchEmbedContents"), { requests: [] }],
      [
        url("gemini-2.0-flash", "batchEmbedContents"),
        { requests: [{ model: "models/gemini-2.0-flash", content: part }] },
      ],
      [
        url("gemini-2.0-flash", "countTokens"),
        { contents: [part], generateContentRequest: { model: "models/gemini-2.0-flash", contents: [part] } },
      ],
      [
        url("gemini-2.0-flash", "countTokens"),
        { generateContentRequest: { model: "models/x", contents: [part] } },
      ],
      [url("gemini-2.0-flash", "countTokens"), { messages: [{ role: "user", content: "x" }] }],
    ];
    for (const [u, body] of cases) {
      const res = await postJson(u, body, { "x-goog-api-key": "k" });
      assert.equal(res.status, 400, `${u} ${JSON.stringify(body)}`);
      const err = (await res.json()) as { error: { status: string } };
      assert.equal(err.error.status, "INVALID_ARGUMENT");
    }
  });

  it("counts a whole generateContentRequest for its model", async () => {
    const res = await postJson(
      `${sim.url}/v1beta/models/gemini-2.0-flash:countTokens`,
      {
        generateContentRequest: {
          model: "models/gemini-2.0-flash",
          contents: [{ role: "user", parts: [{ text: "hello there" }] }],
          systemInstruction: { parts: [{ text: "Be brief." }] },
        },
      },
      { "x-goog-api-key": "k" },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { totalTokens: estimateInputTokens(["Be brief.", "hello there"]) });
  });
});
