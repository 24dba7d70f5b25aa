import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, GoogleGenAI } from "@google/genai";
import OpenAI, { AzureOpenAI } from "openai";
import { type Simulator, startSimulator } from "./index.ts";
import { postJson } from "./testing.ts";

const GOOD = "sk-good-0123456789";
const BAD = "sk-bad-9876543210";
const msg = [{ role: "user" as const, content: "hi" }];

describe("simulator: key check", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ requireKey: GOOD });
  });
  after(() => sim.close());

  const openai = (key: string) => new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: key, maxRetries: 0 });
  const azure = (key: string) =>
    new AzureOpenAI({
      endpoint: sim.url,
      apiKey: key,
      apiVersion: "2024-10-21",
      deployment: "d",
      maxRetries: 0,
    });
  const anthropic = (key: string) => new Anthropic({ baseURL: sim.url, apiKey: key, maxRetries: 0 });
  const gemini = (key: string) => new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: sim.url } });

  it("OpenAI: Authorization: Bearer", async () => {
    await assert.rejects(
      openai(BAD).chat.completions.create({ model: "m", messages: msg }),
      (e: unknown) => e instanceof OpenAI.AuthenticationError && e.code === "invalid_api_key",
    );
    const ok = await openai(GOOD).chat.completions.create({ model: "m", messages: msg });
    assert.equal(ok.object, "chat.completion");
  });

  it("Azure: api-key header", async () => {
    await assert.rejects(
      azure(BAD).chat.completions.create({ model: "m", messages: msg }),
      (e: unknown) => e instanceof OpenAI.AuthenticationError,
    );
    assert.equal((await azure(GOOD).chat.completions.create({ model: "m", messages: msg })).model, "d");
    const bearer = await postJson(
      `${sim.url}/openai/deployments/d/chat/completions?api-version=1`,
      { messages: msg },
      {
        authorization: `Bearer ${GOOD}`,
      },
    );
    assert.equal(bearer.status, 401, "Azure keys go in api-key, not Authorization");
  });

  it("Anthropic: the SDK's bearer key, or x-api-key", async () => {
    const body = { model: "claude-x", max_tokens: 8, messages: msg };
    await assert.rejects(
      anthropic(BAD).messages.create(body),
      (e: unknown) => e instanceof Anthropic.AuthenticationError,
    );
    assert.equal((await anthropic(GOOD).messages.create(body)).type, "message");
    const viaHeader = await postJson(`${sim.url}/v1/messages`, body, {
      "anthropic-version": "2023-06-01",
      "x-api-key": GOOD,
    });
    assert.equal(viaHeader.status, 200);
    const noKey = await postJson(`${sim.url}/v1/messages`, body, { "anthropic-version": "2023-06-01" });
    const err = (await noKey.json()) as { type: string; error: { type: string } };
    assert.equal(noKey.status, 401);
    assert.deepEqual([err.type, err.error.type], ["error", "authentication_error"]);
  });

  it("Gemini: x-goog-api-key, or ?key=", async () => {
    await assert.rejects(
      gemini(BAD).models.generateContent({ model: "gemini-2.5-flash", contents: "hi" }),
      (e: unknown) => e instanceof ApiError && e.status === 401,
    );
    const ok = await gemini(GOOD).models.generateContent({ model: "gemini-2.5-flash", contents: "hi" });
    assert.ok(ok.text);
    const body = { contents: [{ parts: [{ text: "hi" }] }] };
    assert.equal(
      (await postJson(`${sim.url}/v1beta/models/g:generateContent?key=${GOOD}`, body)).status,
      200,
    );
    const bad = await postJson(`${sim.url}/v1beta/models/g:generateContent?key=${BAD}`, body);
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { error: { status: string } }).error.status, "UNAUTHENTICATED");
  });

  it("never echoes the presented key in the error", async () => {
    for (const [url, headers] of [
      [`${sim.url}/v1/chat/completions`, { authorization: `Bearer ${BAD}` }],
      [`${sim.url}/v1/messages`, { "x-api-key": BAD, "anthropic-version": "2023-06-01" }],
      [`${sim.url}/v1beta/models/g:generateContent`, { "x-goog-api-key": BAD }],
      [`${sim.url}/openai/deployments/d/chat/completions?api-version=1`, { "api-key": BAD }],
    ] as const) {
      const res = await postJson(
        url,
        { model: "m", messages: msg, contents: [{ parts: [{ text: "x" }] }] },
        headers,
      );
      assert.equal(res.status, 401);
      const text = `${await res.text()} ${JSON.stringify([...res.headers])}`;
      assert.equal(text.includes(BAD), false, `${url} leaked the key`);
      assert.equal(text.includes(GOOD), false, `${url} leaked the required key`);
    }
  });

  it("rotates keys at run time, accepts any of several, and can be turned off", async () => {
    const call = (key: string) =>
      postJson(
        `${sim.url}/v1/chat/completions`,
        { model: "m", messages: msg },
        {
          authorization: `Bearer ${key}`,
        },
      );
    sim.setRequiredKey(["rotated-1", "rotated-2"]);
    try {
      assert.equal((await call(GOOD)).status, 401);
      assert.equal((await call("rotated-1")).status, 200);
      assert.equal((await call("rotated-2")).status, 200);
      sim.setRequiredKey(undefined);
      assert.equal((await call("anything")).status, 200);
    } finally {
      sim.setRequiredKey(GOOD);
    }
  });
});

describe("simulator: basePath", () => {
  it("serves the API under the prefix as at the root, and nothing under another one", async () => {
    const sim = await startSimulator({ basePath: "/compat" });
    try {
      const body = { model: "m", messages: msg };
      assert.equal((await postJson(`${sim.url}/compat/v1/chat/completions`, body)).status, 200);
      assert.equal(sim.lastRequest()?.path, "/compat/v1/chat/completions");
      assert.equal((await postJson(`${sim.url}/v1/chat/completions`, body)).status, 200);
      assert.equal((await postJson(`${sim.url}/other/v1/chat/completions`, body)).status, 404);
    } finally {
      await sim.close();
    }
  });
});
