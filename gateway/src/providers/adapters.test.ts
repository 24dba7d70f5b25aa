import assert from "node:assert/strict";
import { test } from "node:test";
import { GatewayError } from "../errors.ts";
import type { ProviderConfig } from "../snapshot/schema.ts";
import { ANTHROPIC_VERSION } from "./anthropic.ts";
import { adapterFor } from "./index.ts";
import { openAiPath } from "./openai.ts";
import { eventJson, SseParser } from "./sse.ts";
import type { StreamState, UpstreamPlan } from "./types.ts";

function provider(kind: ProviderConfig["kind"], extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return { name: "default", kind, host: "h", port: 443, tls: true, auth: { mode: "none" }, ...extra };
}

function plan(
  p: ProviderConfig,
  path: string,
  body: unknown,
  query = "",
  headers: Record<string, string> = {},
): UpstreamPlan {
  const r = adapterFor(p.kind).plan({
    provider: p,
    path,
    query: new URLSearchParams(query),
    body: structuredClone(body),
    header: (n) => headers[n],
  });
  if (r instanceof GatewayError) throw r;
  return r;
}

function streamUsage(kind: ProviderConfig["kind"], text: string): StreamState {
  const a = adapterFor(kind);
  const state: StreamState = { usage: {}, sawContent: false };
  for (const ev of new SseParser().push(text)) {
    if (a.onStreamEvent(ev, eventJson(ev), state)) state.sawContent = true;
  }
  return state;
}

test("openai: known endpoints pass, others go to chat; model override; include_usage injected", () => {
  assert.equal(openAiPath("/v1/embeddings"), "/v1/embeddings");
  assert.equal(openAiPath("/v1/models/gpt-4o"), "/v1/models/gpt-4o");
  assert.equal(openAiPath("/openai"), "/v1/chat/completions");
  assert.equal(openAiPath("/team/v1/responses"), "/v1/responses");
  const p = plan(provider("openai", { model: "gpt-4o-mini" }), "/openai", {
    model: "client-model",
    stream: true,
    messages: [],
  });
  assert.equal(p.path, "/v1/chat/completions");
  assert.equal(p.streaming, true);
  assert.equal(p.stripUsageChunk, true);
  assert.deepEqual(p.body, {
    model: "gpt-4o-mini",
    stream: true,
    messages: [],
    stream_options: { include_usage: true },
  });
  assert.equal(p.requestModel, "gpt-4o-mini");
  assert.equal(p.operation, "chat");
  const asked = plan(provider("openai"), "/v1/chat/completions", {
    model: "m",
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(asked.stripUsageChunk, false);
  assert.equal(asked.body, undefined, "unchanged body: the client's bytes are sent");
  assert.equal(plan(provider("openai"), "/v1/models", undefined).operation, undefined);
  assert.equal(plan(provider("openai"), "/v1/embeddings", { model: "e" }).operation, "embeddings");
  assert.equal(
    plan(provider("openai", { path: "/custom/chat" }), "/v1/chat/completions", {}).path,
    "/custom/chat",
  );
});

test("azure: deployment path, api-version set, body model untouched", () => {
  const az = provider("azureopenai", { azure: { deploymentName: "gpt4o-dep", apiVersion: "2024-10-21" } });
  const p = plan(az, "/azure", { model: "whatever", messages: [] }, "api-version=old");
  assert.equal(p.path, "/openai/deployments/gpt4o-dep/chat/completions?api-version=2024-10-21");
  assert.equal(p.body, undefined);
  const e = plan(az, "/v1/embeddings", { input: "x" });
  assert.equal(e.path, "/openai/deployments/gpt4o-dep/embeddings?api-version=2024-10-21");
  assert.equal(e.operation, "embeddings");
});

test("gemini: model from the backend or the path; streaming by method or alt=sse", () => {
  const g = provider("gemini", { model: "gemini-2.0-flash", gemini: { apiVersion: "v1beta" } });
  assert.equal(plan(g, "/gemini", { contents: [] }).path, "/v1beta/models/gemini-2.0-flash:generateContent");
  const s = plan(g, "/gemini", { contents: [] }, "alt=sse");
  assert.equal(s.path, "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
  assert.equal(s.streaming, true);
  const fromPath = plan(provider("gemini"), "/v1/models/gemini-pro:streamGenerateContent", {});
  assert.equal(fromPath.path, "/v1/models/gemini-pro:streamGenerateContent?alt=sse");
  assert.equal(fromPath.requestModel, "gemini-pro");
  assert.equal(fromPath.operation, "generate_content");
  const noModel = adapterFor("gemini").plan({
    provider: provider("gemini"),
    path: "/gemini",
    query: new URLSearchParams(),
    body: {},
    header: () => undefined,
  });
  assert.ok(noModel instanceof GatewayError && noModel.code === "invalid_request");
});

test("anthropic: /v1/messages, version defaulted but not overridden, model override", () => {
  const a = provider("anthropic", { model: "claude-3-5-haiku" });
  const p = plan(a, "/anthropic", { model: "x", max_tokens: 5, messages: [] });
  assert.equal(p.path, "/v1/messages");
  assert.deepEqual(p.headers, { "anthropic-version": ANTHROPIC_VERSION });
  assert.equal((p.body as { model: string }).model, "claude-3-5-haiku");
  const own = plan(a, "/v1/messages", { stream: true }, "", { "anthropic-version": "2024-01-01" });
  assert.deepEqual(own.headers, {});
  assert.equal(own.streaming, true);
});

test("usage from JSON answers of each provider", () => {
  assert.deepEqual(
    adapterFor("openai").usageFromJson({
      model: "gpt-4o",
      usage: { prompt_tokens: 7, completion_tokens: 5 },
    }),
    { inputTokens: 7, outputTokens: 5, responseModel: "gpt-4o" },
  );
  assert.deepEqual(adapterFor("openai").usageFromJson({ usage: { prompt_tokens: 3, total_tokens: 3 } }), {
    inputTokens: 3,
    outputTokens: undefined,
    responseModel: undefined,
  });
  assert.deepEqual(
    adapterFor("anthropic").usageFromJson({
      model: "claude",
      usage: { input_tokens: 10, cache_read_input_tokens: 2, output_tokens: 4 },
    }),
    { inputTokens: 12, outputTokens: 4, responseModel: "claude" },
  );
  assert.deepEqual(
    adapterFor("gemini").usageFromJson({
      modelVersion: "gemini-2.0-flash",
      usageMetadata: { promptTokenCount: 8, candidatesTokenCount: 9 },
    }),
    { inputTokens: 8, outputTokens: 9, responseModel: "gemini-2.0-flash" },
  );
  assert.deepEqual(adapterFor("openai").usageFromJson({ choices: [] }), {
    inputTokens: undefined,
    outputTokens: undefined,
    responseModel: undefined,
  });
});

test("usage from streams of each provider", () => {
  const oa = streamUsage(
    "openai",
    'data: {"model":"gpt-4o","choices":[{"delta":{"content":"Hi"}}]}\n\n' +
      'data: {"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":7,"completion_tokens":5}}\n\n' +
      "data: [DONE]\n\n",
  );
  assert.deepEqual(oa.usage, { inputTokens: 7, outputTokens: 5, responseModel: "gpt-4o" });
  assert.equal(oa.sawContent, true);
  const resp = streamUsage(
    "openai",
    'data: {"type":"response.output_text.delta","delta":"x"}\n\n' +
      'data: {"type":"response.completed","response":{"model":"gpt-4o","usage":{"input_tokens":3,"output_tokens":2}}}\n\n',
  );
  assert.deepEqual(resp.usage, { inputTokens: 3, outputTokens: 2, responseModel: "gpt-4o" });
  const an = streamUsage(
    "anthropic",
    'event: message_start\ndata: {"type":"message_start","message":{"model":"claude","usage":{"input_tokens":11,"output_tokens":1}}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"a"}}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","usage":{"output_tokens":6}}\n\n',
  );
  assert.deepEqual(an.usage, { inputTokens: 11, outputTokens: 6, responseModel: "claude" });
  assert.equal(an.sawContent, true);
  const ge = streamUsage(
    "gemini",
    'data: {"candidates":[{"content":{}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":1}}\n\n' +
      'data: {"candidates":[{"content":{}}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":5},"modelVersion":"g"}\n\n',
  );
  assert.deepEqual(ge.usage, { inputTokens: 4, outputTokens: 5, responseModel: "g" });
  const none = streamUsage("openai", 'data: {"choices":[{"delta":{"content":"x"}}]}\n\n');
  assert.deepEqual(none.usage, {}, "no usage chunk: usage stays unknown");
});

test("injected usage chunk is recognized; error events per format", () => {
  const oa = adapterFor("openai");
  assert.equal(oa.isInjectedUsageEvent({ choices: [], usage: { prompt_tokens: 1 } }), true);
  assert.equal(oa.isInjectedUsageEvent({ choices: [{}], usage: { prompt_tokens: 1 } }), false);
  const body = { message: "m", type: "upstream_error", code: "upstream_interrupted" };
  assert.equal(oa.streamErrorEvent(body), `data: {"error":${JSON.stringify(body)}}\n\n`);
  assert.match(adapterFor("anthropic").streamErrorEvent(body), /^event: error\ndata: \{"type":"error"/);
});
