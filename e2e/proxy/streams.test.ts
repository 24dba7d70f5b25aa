// Streaming edge cases: an upstream that dies mid-stream ends the client stream with an error event
// and no clean finish (OpenAI-style and Anthropic-style); a client that goes away aborts the
// upstream request at once; bytes are relayed as they arrive.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { eventually, metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const STREAM_CHAT = { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hello" }] };

/** Reads a body to its end; `clean` is false when the connection ended without a proper finish. */
async function readAll(res: Response): Promise<{ text: string; clean: boolean }> {
  const reader = res.body?.getReader();
  assert.ok(reader);
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text, clean: true };
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, clean: false };
  }
}

describe("proxy: streams", () => {
  let sim: Simulator;
  let world: ProxyWorld;

  before(async () => {
    sim = await startSimulator({ chunks: 6 });
    world = await startProxyWorld();
    const r = await world.apply(
      snapshot({
        backends: [
          backend("openai", [[provider(sim.url, "openai")]]),
          backend("anthropic", [[provider(sim.url, "anthropic")]]),
        ],
        routes: [
          route("anthropic", ["anthropic"], { match: { path: { type: "PathPrefix", value: "/anthropic" } } }),
          route("openai", ["openai"], { match: { path: { type: "PathPrefix", value: "/v1" } } }),
        ],
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  beforeEach(() => {
    sim.reset();
    sim.setLatency({ ttftMs: 0, interTokenMs: 0 });
  });
  after(async () => {
    await world?.close();
    await sim?.close();
  });

  it("OpenAI: an upstream cut mid-stream ends with an error event, never a clean finish", async () => {
    sim.injectFault({ kind: "cut", afterChunks: 2 }, { count: 1 });
    const res = await postJson(`${world.base}/v1/chat/completions`, STREAM_CHAT);
    assert.equal(res.status, 200);
    const { text, clean } = await readAll(res);
    assert.equal(clean, false, "the client sees the connection end abnormally");
    assert.match(text, /"delta":\{"content":"/, "the chunks before the cut were relayed");
    assert.ok(!text.includes("[DONE]"));
    const last = text.trim().split("\n\n").at(-1) ?? "";
    assert.deepEqual(JSON.parse(last.replace(/^data: /, "")), {
      error: {
        message: "The provider closed the response before it was complete",
        type: "upstream_error",
        code: "upstream_interrupted",
      },
    });
    const m = await world.metrics();
    assert.ok(metricSum(m, "ai_gateway_requests_total", { reason: "upstream_interrupted" }) >= 1);
    assert.ok(metricSum(m, "ai_gateway_upstream_errors_total", { reason: "upstream_interrupted" }) >= 1);
  });

  it("OpenAI SDK: a cut stream throws instead of ending quietly", async () => {
    sim.injectFault({ kind: "cut", afterChunks: 1 }, { count: 1 });
    const client = new OpenAI({ baseURL: `${world.base}/v1`, apiKey: "x", maxRetries: 0 });
    await assert.rejects(async () => {
      const stream = await client.chat.completions.create({
        model: "gpt-4o-mini",
        stream: true,
        messages: [{ role: "user", content: "hello" }],
      });
      for await (const _ of stream) {
        // consume
      }
    });
  });

  it("Anthropic: a cut stream ends with `event: error`", async () => {
    sim.injectFault({ kind: "cut", afterChunks: 2 }, { count: 1 });
    const res = await postJson(`${world.base}/anthropic/v1/messages`, {
      model: "claude-3-5-haiku-latest",
      max_tokens: 32,
      stream: true,
      messages: [{ role: "user", content: "hello" }],
    });
    const { text, clean } = await readAll(res);
    assert.equal(clean, false);
    assert.match(text, /event: error\ndata: \{"type":"error","error":\{"type":"upstream_error"/);
    const client = new Anthropic({ baseURL: `${world.base}/anthropic`, apiKey: "x", maxRetries: 0 });
    sim.injectFault({ kind: "cut", afterChunks: 1 }, { count: 1 });
    await assert.rejects(async () => {
      const stream = await client.messages.create({
        model: "m",
        max_tokens: 16,
        stream: true,
        messages: [{ role: "user", content: "hi" }],
      });
      for await (const _ of stream) {
        // consume
      }
    });
  });

  it("a quiet stream survives gaps longer than Node's idle timers (keep-alive 5 s)", async () => {
    // Two chunks 6 s apart: no idle timeout on either side of the proxy may cut the stream.
    sim.setLatency({ ttftMs: 0, interTokenMs: 6_000 });
    sim.setChunks(2);
    try {
      const res = await postJson(`${world.base}/v1/chat/completions`, STREAM_CHAT);
      assert.equal(res.status, 200);
      const { text, clean } = await readAll(res);
      assert.equal(clean, true, "the stream ended normally");
      assert.ok(text.includes("data: [DONE]"), "the stream reached its end");
    } finally {
      sim.setChunks(6);
    }
  });

  it("a non-streaming answer cut in the middle fails the client request", async () => {
    sim.injectFault({ kind: "cut", afterChunks: 0 }, { count: 1 });
    const res = await postJson(`${world.base}/v1/chat/completions`, { ...STREAM_CHAT, stream: false });
    const { clean } = await readAll(res);
    assert.equal(clean, false);
  });

  it("a client that goes away aborts the upstream request at once", async () => {
    sim.setLatency({ ttftMs: 0, interTokenMs: 300 });
    const before = metricSum(await world.metrics(), "ai_gateway_requests_total", {
      reason: "client_disconnected",
    });
    const ac = new AbortController();
    // one client cancels the body it is reading, the other aborts its request
    const res = await postJson(`${world.base}/v1/chat/completions`, STREAM_CHAT);
    await res.body?.cancel();
    const streaming = await fetch(`${world.base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(STREAM_CHAT),
      signal: ac.signal,
    });
    const reader = streaming.body?.getReader();
    const first = await reader?.read();
    assert.ok(first?.value && first.value.length > 0, "the first chunk arrives before the stream ends");
    ac.abort();
    await eventually(
      () => sim.requests.length === 2 && sim.requests.every((r) => r.aborted),
      "the provider to see both requests aborted",
    );
    await eventually(
      async () =>
        metricSum(await world.metrics(), "ai_gateway_requests_total", {
          status: "499",
          reason: "client_disconnected",
        }) >=
        before + 2,
      "both disconnects to be counted",
    );
  });

  it("stream bytes are relayed as they arrive, not at the end", async () => {
    sim.setLatency({ ttftMs: 0, interTokenMs: 400 });
    const res = await postJson(`${world.base}/v1/chat/completions`, STREAM_CHAT);
    const reader = res.body?.getReader();
    assert.ok(reader);
    const first = new TextDecoder().decode((await reader.read()).value);
    assert.match(first, /^data: /);
    // the provider is still producing: the first bytes came through before the answer was complete
    assert.ok(!first.includes("[DONE]"));
    assert.ok(first.split("\n\n").length < 6);
    await reader.cancel();
  });

  it("a graceful close lets an open stream finish, turns /ready to 503 and refuses new connections", async () => {
    sim.setLatency({ ttftMs: 0, interTokenMs: 50 });
    const res = await postJson(`${world.base}/v1/chat/completions`, STREAM_CHAT);
    const reader = res.body?.getReader();
    assert.ok(reader);
    await reader.read();
    const closed = world.proxy.close({ graceMs: 10_000 });
    assert.equal((await fetch(`${world.admin}/ready`)).status, 503);
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    assert.ok(text.includes("data: [DONE]"), "the in-flight stream completed");
    await closed;
    await assert.rejects(fetch(`${world.base}/v1/models`));
  });
});
