import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { createFaultBook } from "./faults.ts";
import { type Simulator, simulatedReplyText, startSimulator } from "./index.ts";
import { postJson, waitFor } from "./testing.ts";

const chat = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "hello" }] };
const anthropicHeaders = { "anthropic-version": "2023-06-01" };
const anthropicBody = { model: "claude-x", max_tokens: 16, messages: [{ role: "user", content: "hello" }] };
const geminiBody = { contents: [{ parts: [{ text: "hello" }] }] };

describe("fault book", () => {
  it("applies a fault to the next request by default, then disarms it", () => {
    const book = createFaultBook();
    book.inject({ kind: "reset" });
    assert.deepEqual(book.take("/v1/chat/completions"), { kind: "reset" });
    assert.equal(book.take("/v1/chat/completions"), undefined);
  });

  it("counts down `count` uses", () => {
    const book = createFaultBook();
    book.inject({ kind: "hang" }, { count: 2 });
    assert.equal(book.take("/a")?.kind, "hang");
    assert.equal(book.take("/b")?.kind, "hang");
    assert.equal(book.take("/c"), undefined);
  });

  it("with a pathPrefix, applies only to matching paths, without limit unless count is given", () => {
    const book = createFaultBook();
    book.inject({ kind: "status", status: 503 }, { pathPrefix: "/v1/messages" });
    book.inject({ kind: "reset" }, { pathPrefix: "/v1beta/", count: 1 });
    assert.equal(book.take("/v1/chat/completions"), undefined);
    for (let i = 0; i < 5; i++) assert.equal(book.take("/v1/messages")?.kind, "status");
    assert.equal(book.take("/v1beta/models/x:generateContent")?.kind, "reset");
    assert.equal(book.take("/v1beta/models/x:generateContent"), undefined);
    book.clear();
    assert.equal(book.take("/v1/messages"), undefined);
  });

  it("serves the oldest matching fault first", () => {
    const book = createFaultBook();
    book.inject({ kind: "status", status: 500 });
    book.inject({ kind: "status", status: 429 });
    assert.deepEqual(book.take("/x"), { kind: "status", status: 500 });
    assert.deepEqual(book.take("/x"), { kind: "status", status: 429 });
  });
});

describe("simulator: injected faults", () => {
  let sim: Simulator;
  let openai: OpenAI;
  before(async () => {
    sim = await startSimulator();
    openai = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "sk-x", maxRetries: 0 });
  });
  beforeEach(() => sim.reset());
  after(() => sim.close());

  it("status 429 with Retry-After surfaces as the SDK's RateLimitError", async () => {
    sim.injectFault({ kind: "status", status: 429, retryAfter: 7 });
    await assert.rejects(openai.chat.completions.create(chat), (e: unknown) => {
      assert.ok(e instanceof OpenAI.RateLimitError);
      assert.equal(e.headers.get("retry-after"), "7");
      assert.equal(e.code, "rate_limit_exceeded");
      return true;
    });
    const ok = await openai.chat.completions.create(chat);
    assert.equal(ok.choices[0]?.message.content, simulatedReplyText(5), "the fault applied once");
  });

  for (const status of [401, 403, 429, 500, 503]) {
    it(`status ${status} answers in each provider's error shape`, async () => {
      sim.injectFault({ kind: "status", status }, { count: 4 });
      const o = await postJson(`${sim.url}/v1/chat/completions`, chat);
      const oBody = (await o.json()) as { error: { message: string; type: string; code: string } };
      assert.equal(o.status, status);
      assert.equal(typeof oBody.error.message, "string");
      assert.equal(typeof oBody.error.type, "string");
      assert.equal(typeof oBody.error.code, "string");

      const z = await postJson(
        `${sim.url}/openai/deployments/d/chat/completions?api-version=2024-10-21`,
        chat,
      );
      assert.equal(z.status, status);
      assert.equal(typeof ((await z.json()) as { error: { type: string } }).error.type, "string");

      const a = await postJson(`${sim.url}/v1/messages`, anthropicBody, anthropicHeaders);
      const aBody = (await a.json()) as { type: string; error: { type: string; message: string } };
      assert.equal(a.status, status);
      assert.equal(aBody.type, "error");
      assert.equal(typeof aBody.error.type, "string");

      const g = await postJson(`${sim.url}/v1beta/models/gemini-2.5-flash:generateContent`, geminiBody);
      const gBody = (await g.json()) as { error: { code: number; message: string; status: string } };
      assert.equal(g.status, status);
      assert.equal(gBody.error.code, status);
      assert.match(gBody.error.status, /^[A-Z_]+$/);
    });
  }

  it("maps statuses to the providers' error types", async () => {
    sim.injectFault({ kind: "status", status: 401 }, { pathPrefix: "/v1/messages", count: 1 });
    await assert.rejects(
      new Anthropic({ baseURL: sim.url, apiKey: "k", maxRetries: 0 }).messages.create(anthropicBody as never),
      (e: unknown) => e instanceof Anthropic.AuthenticationError,
    );
    sim.injectFault({ kind: "status", status: 503 });
    await assert.rejects(
      openai.chat.completions.create(chat),
      (e: unknown) => e instanceof OpenAI.InternalServerError,
    );
  });

  it("applies a pathPrefix fault to matching paths until reset", async () => {
    sim.injectFault({ kind: "status", status: 500 }, { pathPrefix: "/v1/messages" });
    assert.equal((await postJson(`${sim.url}/v1/chat/completions`, chat)).status, 200);
    for (let i = 0; i < 3; i++) {
      assert.equal((await postJson(`${sim.url}/v1/messages`, anthropicBody, anthropicHeaders)).status, 500);
    }
    sim.reset();
    assert.equal(sim.requests.length, 0);
    assert.equal((await postJson(`${sim.url}/v1/messages`, anthropicBody, anthropicHeaders)).status, 200);
  });

  it("hang: never answers; the record shows the client went away", async () => {
    sim.injectFault({ kind: "hang" });
    const ac = new AbortController();
    const pending = fetch(`${sim.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify(chat),
      signal: ac.signal,
    });
    const rec = await waitFor(() => sim.lastRequest(), "the hanging request to be recorded");
    assert.equal(rec.aborted, false);
    ac.abort();
    await assert.rejects(pending, (e: unknown) => (e as Error).name === "AbortError");
    await waitFor(() => rec.aborted, "the abort to be recorded");
  });

  it("cut: a stream sends some chunks, then the connection drops (the SDK sees an error, not a clean end)", async () => {
    sim.injectFault({ kind: "cut", afterChunks: 2 });
    const stream = await openai.chat.completions.create({ ...chat, stream: true });
    let text = "";
    await assert.rejects(async () => {
      for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    });
    assert.equal(text, simulatedReplyText(2));
    assert.equal(sim.lastRequest()?.aborted, false, "the simulator cut it, the client did not abort");
  });

  it("cut after all chunks drops the stream before usage and the end marker", async () => {
    sim.injectFault({ kind: "cut", afterChunks: 99 });
    const res = await postJson(`${sim.url}/v1/chat/completions`, {
      ...chat,
      stream: true,
      stream_options: { include_usage: true },
    });
    assert.equal(res.status, 200);
    let received = "";
    await assert.rejects(async () => {
      for await (const part of res.body ?? []) received += Buffer.from(part).toString();
    });
    assert.ok(received.includes(JSON.stringify(" model")), "all content chunks arrived");
    assert.equal(received.includes("[DONE]"), false);
    assert.equal(received.includes('"completion_tokens"'), false);
  });

  it("cut with afterChunks 0 on an Anthropic stream: only the preamble arrives", async () => {
    sim.injectFault({ kind: "cut", afterChunks: 0 }, { pathPrefix: "/v1/messages", count: 1 });
    const res = await postJson(
      `${sim.url}/v1/messages`,
      { ...anthropicBody, stream: true },
      anthropicHeaders,
    );
    let received = "";
    await assert.rejects(async () => {
      for await (const part of res.body ?? []) received += Buffer.from(part).toString();
    });
    assert.match(received, /event: message_start/);
    assert.equal(received.includes("content_block_delta"), false);
  });

  it("cut on a non-streaming answer truncates the JSON body", async () => {
    sim.injectFault({ kind: "cut", afterChunks: 1 });
    const res = await postJson(`${sim.url}/v1/chat/completions`, chat);
    assert.equal(res.status, 200);
    await assert.rejects(res.text());
  });

  it("reset: the connection is reset without an answer", async () => {
    sim.injectFault({ kind: "reset" });
    await assert.rejects(postJson(`${sim.url}/v1/chat/completions`, chat), (e: unknown) => {
      assert.equal((e as Error).name, "TypeError");
      return true;
    });
    assert.equal(sim.requests.length, 1, "the request was still recorded");
    assert.equal((await postJson(`${sim.url}/v1/chat/completions`, chat)).status, 200);
  });

  it("rejects an invalid fault", () => {
    assert.throws(() => sim.injectFault({ kind: "status", status: 200 }));
    assert.throws(() => sim.injectFault({ kind: "cut", afterChunks: -1 }));
  });
});

describe("simulator: close()", () => {
  it("destroys hanging connections and stops listening", async () => {
    const sim = await startSimulator();
    try {
      sim.injectFault({ kind: "hang" });
      const pending = postJson(`${sim.url}/v1/chat/completions`, chat);
      await waitFor(() => sim.lastRequest(), "the hanging request");
      await sim.close();
      await assert.rejects(pending);
      await assert.rejects(fetch(`${sim.url}/_sim/health`));
    } finally {
      await sim.close();
    }
  });
});
