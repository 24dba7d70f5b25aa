// The Vertex AI adapter: publisher by model, paths from the Vertex AI REST reference, the Claude body
// without model and with anthropic_version, usage read in either publisher's shape.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GatewayError } from "../errors.ts";
import type { ProviderConfig } from "../snapshot/schema.ts";
import { eventJson, SseParser } from "./sse.ts";
import type { StreamState, UpstreamPlan } from "./types.ts";
import { vertexai } from "./vertexai.ts";

const BASE = "/v1/projects/my-proj/locations/us-east5/publishers";

function provider(extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    name: "default",
    kind: "vertexai",
    host: "us-east5-aiplatform.googleapis.com",
    port: 443,
    tls: true,
    vertex: { projectId: "my-proj", region: "us-east5" },
    auth: { mode: "none" },
    ...extra,
  };
}

function plan(p: ProviderConfig, path: string, body: unknown, query = ""): UpstreamPlan | GatewayError {
  return vertexai.plan({
    provider: p,
    path,
    query: new URLSearchParams(query),
    body: structuredClone(body),
    header: () => undefined,
  });
}

function ok(r: UpstreamPlan | GatewayError): UpstreamPlan {
  if (r instanceof GatewayError) throw r;
  return r;
}

test("a Claude model goes to the anthropic publisher: rawPredict, no model, anthropic_version", () => {
  const body = {
    model: "claude-sonnet-4-5@20250929",
    max_tokens: 10,
    messages: [{ role: "user", content: "hi" }],
  };
  const p = ok(plan(provider(), "/v1/messages", body));
  assert.equal(p.path, `${BASE}/anthropic/models/claude-sonnet-4-5%4020250929:rawPredict`);
  assert.deepEqual(p.body, {
    anthropic_version: "vertex-2023-10-16",
    max_tokens: 10,
    messages: [{ role: "user", content: "hi" }],
  });
  assert.equal(p.streaming, false);
  assert.equal(p.requestModel, "claude-sonnet-4-5@20250929");
  const s = ok(plan(provider(), "/v1/messages", { ...body, stream: true }));
  assert.equal(s.path, `${BASE}/anthropic/models/claude-sonnet-4-5%4020250929:streamRawPredict`);
  assert.equal(s.streaming, true);
});

test("the backend's model wins over the request's", () => {
  const body = { model: "claude-x", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
  const p = ok(plan(provider({ model: "claude-opus-4-1" }), "/v1/messages", body));
  assert.equal(p.path, `${BASE}/anthropic/models/claude-opus-4-1:rawPredict`);
  const g = ok(plan(provider({ model: "gemini-2.5-pro" }), "/v1beta/models/gemini-x:generateContent", {}));
  assert.equal(g.path, `${BASE}/google/models/gemini-2.5-pro:generateContent`);
});

test("a Gemini model goes to the google publisher with the client's method; streams ask for SSE", () => {
  const contents = { contents: [{ parts: [{ text: "hi" }] }] };
  const p = ok(plan(provider(), "/v1beta/models/gemini-2.5-flash:generateContent", contents));
  assert.equal(p.path, `${BASE}/google/models/gemini-2.5-flash:generateContent`);
  assert.equal(p.body, undefined, "the Gemini body goes as the client sent it");
  assert.equal(p.operation, "generate_content");
  const s = ok(
    plan(provider(), "/v1beta/models/gemini-2.5-flash:streamGenerateContent", contents, "alt=sse"),
  );
  assert.equal(s.path, `${BASE}/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse`);
  assert.equal(s.streaming, true);
  const c = ok(plan(provider(), "/v1beta/models/gemini-2.5-flash:countTokens", contents));
  assert.equal(c.path, `${BASE}/google/models/gemini-2.5-flash:countTokens`);
  assert.equal(c.operation, undefined);
  assert.equal(c.body, undefined);
  const wrapped = { generateContentRequest: { model: "models/gemini-2.5-flash", ...contents } };
  const w = ok(plan(provider(), "/v1beta/models/gemini-2.5-flash:countTokens", wrapped));
  assert.deepEqual(w.body, contents, "Vertex's countTokens takes the request's fields at the top");
  assert.equal(w.replaceBody, true);
});

test("global uses the location global; an explicit path override wins", () => {
  const g = provider({ vertex: { projectId: "p", region: "global" } });
  const p = ok(plan(g, "/v1beta/models/gemini-2.5-flash:generateContent", {}));
  assert.equal(
    p.path,
    "/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash:generateContent",
  );
  const o = ok(plan(provider({ path: "/custom" }), "/v1beta/models/gemini-2.5-flash:generateContent", {}));
  assert.equal(o.path, "/custom");
});

test("no model, count_tokens for Claude and unknown Gemini methods are refused, never forwarded", () => {
  const none = plan(provider(), "/v1/messages", { max_tokens: 1, messages: [] });
  assert.ok(none instanceof GatewayError && none.code === "invalid_request");
  const count = plan(provider(), "/v1/messages/count_tokens", { model: "claude-x", messages: [] });
  assert.ok(count instanceof GatewayError && count.code === "endpoint_not_found");
  const embed = plan(provider(), "/v1beta/models/text-embedding-005:embedContent", {});
  assert.ok(embed instanceof GatewayError && embed.code === "endpoint_not_found");
});

function streamUsage(text: string): StreamState {
  const state: StreamState = { usage: {}, sawContent: false };
  for (const ev of new SseParser().push(text)) {
    if (vertexai.onStreamEvent(ev, eventJson(ev), state)) state.sawContent = true;
  }
  return state;
}

test("usage in either publisher's shape, JSON and stream", () => {
  assert.deepEqual(
    vertexai.usageFromJson({
      usageMetadata: { promptTokenCount: 7, candidatesTokenCount: 5 },
      modelVersion: "gemini-2.5-flash",
    }),
    { inputTokens: 7, outputTokens: 5, responseModel: "gemini-2.5-flash" },
  );
  assert.deepEqual(
    vertexai.usageFromJson({
      type: "message",
      model: "claude-x",
      usage: { input_tokens: 9, output_tokens: 4 },
    }),
    { inputTokens: 9, outputTokens: 4, responseModel: "claude-x" },
  );
  const claude = streamUsage(
    'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-x","usage":{"input_tokens":9,"output_tokens":1}}}\n\n' +
      'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a"}}\n\n' +
      'event: message_delta\ndata: {"type":"message_delta","delta":{},"usage":{"output_tokens":4}}\n\n',
  );
  assert.deepEqual(claude.usage, { inputTokens: 9, outputTokens: 4, responseModel: "claude-x" });
  assert.equal(claude.sawContent, true);
  const gem = streamUsage(
    'data: {"candidates":[{"content":{"parts":[{"text":"a"}]}}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}}\n\n' +
      'data: {"candidates":[{"content":{"parts":[{"text":"b"}]}}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2},"modelVersion":"gemini-2.5-flash"}\n\n',
  );
  assert.deepEqual(gem.usage, { inputTokens: 3, outputTokens: 2, responseModel: "gemini-2.5-flash" });
});
