import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GoogleGenAI } from "@google/genai";
import { estimateInputTokens, type Simulator, simulatedReplyText, startSimulator } from "./index.ts";
import { parseSse, postJson } from "./testing.ts";

describe("simulator: Gemini with the official @google/genai SDK", () => {
  let sim: Simulator;
  let ai: GoogleGenAI;
  before(async () => {
    sim = await startSimulator({ chunks: 4 });
    ai = new GoogleGenAI({ apiKey: "gemini-key-1", httpOptions: { baseUrl: sim.url } });
  });
  after(() => sim.close());

  const prompt = "Explain HTTP/2 in one sentence.";

  it("generates content with usageMetadata, model taken from the path", async () => {
    const r = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: prompt,
      config: { systemInstruction: "Be precise." },
    });
    assert.equal(r.text, simulatedReplyText(4));
    assert.equal(r.modelVersion, "gemini-2.5-flash");
    const expected = estimateInputTokens(["Be precise.", prompt]);
    assert.equal(r.usageMetadata?.promptTokenCount, expected);
    assert.equal(r.usageMetadata?.candidatesTokenCount, 4);
    assert.equal(r.usageMetadata?.totalTokenCount, expected + 4);
    const rec = sim.lastRequest();
    assert.equal(rec?.path, "/v1beta/models/gemini-2.5-flash:generateContent");
    assert.equal(rec?.headers["x-goog-api-key"], "gemini-key-1");
  });

  it("streams chunks with cumulative usageMetadata", async () => {
    const stream = await ai.models.generateContentStream({ model: "gemini-2.0-flash", contents: prompt });
    let text = "";
    const candidateCounts: (number | undefined)[] = [];
    let last: { promptTokenCount?: number; totalTokenCount?: number } | undefined;
    let finish: string | undefined;
    for await (const chunk of stream) {
      text += chunk.text ?? "";
      candidateCounts.push(chunk.usageMetadata?.candidatesTokenCount);
      last = chunk.usageMetadata;
      finish = chunk.candidates?.[0]?.finishReason ?? finish;
    }
    assert.equal(text, simulatedReplyText(4));
    assert.deepEqual(candidateCounts, [1, 2, 3, 4]);
    assert.equal(last?.promptTokenCount, estimateInputTokens([prompt]));
    assert.equal(last?.totalTokenCount, estimateInputTokens([prompt]) + 4);
    assert.equal(finish, "STOP");
    const rec = sim.lastRequest();
    assert.equal(rec?.path, "/v1beta/models/gemini-2.0-flash:streamGenerateContent");
    assert.equal(rec?.query.alt, "sse");
  });

  it("frames SSE events with CRLF like Google, and streams a JSON array without alt=sse", async () => {
    const body = { contents: [{ role: "user", parts: [{ text: prompt }] }] };
    const sse = await postJson(`${sim.url}/v1beta/models/m1:streamGenerateContent?alt=sse`, body);
    const sseText = await sse.text();
    assert.match(sseText, /^data: \{.*\}\r\n\r\n/);
    assert.equal(parseSse(sseText).length, 4);
    const arr = await postJson(`${sim.url}/v1beta/models/m1:streamGenerateContent`, body);
    const chunks = (await arr.json()) as { usageMetadata: { candidatesTokenCount: number } }[];
    assert.deepEqual(
      chunks.map((c) => c.usageMetadata.candidatesTokenCount),
      [1, 2, 3, 4],
    );
  });

  it("lists models", async () => {
    const names: string[] = [];
    for await (const m of await ai.models.list()) names.push(m.name ?? "");
    assert.ok(names.includes("models/gemini-2.5-flash"));
  });

  it("answers GET /v1/models as Gemini only when a Google key is presented", async () => {
    const g = (await (await fetch(`${sim.url}/v1/models?key=abc`)).json()) as { models?: unknown[] };
    assert.ok(Array.isArray(g.models));
    const o = (await (await fetch(`${sim.url}/v1/models`)).json()) as { object?: string };
    assert.equal(o.object, "list");
  });

  it("rejects a request without contents in Gemini's error shape", async () => {
    const res = await postJson(`${sim.url}/v1beta/models/m1:generateContent`, { contents: [] });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: number; message: string; status: string } };
    assert.equal(body.error.code, 400);
    assert.equal(body.error.status, "INVALID_ARGUMENT");
  });
});
