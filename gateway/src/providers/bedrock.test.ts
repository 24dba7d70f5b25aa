// The Bedrock adapter: Converse paths planned from the translated request, the guardrail added as
// guardrailConfig, usage from Converse answers and from metadata stream events.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GatewayError } from "../errors.ts";
import type { ProviderConfig } from "../snapshot/schema.ts";
import { bedrock } from "./bedrock.ts";
import type { StreamState, UpstreamPlan } from "./types.ts";

const MODEL_PATH = "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0";

function provider(extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    name: "default",
    kind: "bedrock",
    host: "bedrock-runtime.us-west-2.amazonaws.com",
    port: 443,
    tls: true,
    bedrock: { region: "us-west-2" },
    auth: { mode: "none" },
    ...extra,
  };
}

function plan(p: ProviderConfig, path: string, body: unknown): UpstreamPlan | GatewayError {
  return bedrock.plan({ provider: p, path, query: new URLSearchParams(), body, header: () => undefined });
}

const BODY = { messages: [{ role: "user", content: [{ text: "hi" }] }] };

test("converse: the translated path and body, the model decoded for metrics", () => {
  const r = plan(provider(), `${MODEL_PATH}/converse`, BODY);
  assert.ok(!(r instanceof GatewayError));
  assert.equal(r.path, `${MODEL_PATH}/converse`);
  assert.equal(r.streaming, false);
  assert.equal(r.requestModel, "anthropic.claude-3-5-sonnet-20240620-v1:0");
  assert.equal(r.operation, "chat");
  assert.deepEqual(r.body, BODY);
  assert.equal(r.replaceBody, true);
  assert.equal(r.headers.accept, "application/json");
});

test("converse-stream streams and asks for the event stream", () => {
  const r = plan(provider(), `${MODEL_PATH}/converse-stream`, BODY);
  assert.ok(!(r instanceof GatewayError));
  assert.equal(r.streaming, true);
  assert.equal(r.headers.accept, "application/vnd.amazon.eventstream");
});

test("a guardrail is sent as guardrailConfig; the client's body is not changed", () => {
  const body = structuredClone(BODY);
  const r = plan(
    provider({ bedrock: { region: "us-west-2", guardrail: { identifier: "gr-1", version: "DRAFT" } } }),
    `${MODEL_PATH}/converse`,
    body,
  );
  assert.ok(!(r instanceof GatewayError));
  assert.deepEqual(r.body?.guardrailConfig, { guardrailIdentifier: "gr-1", guardrailVersion: "DRAFT" });
  assert.deepEqual(body, BODY);
});

test("a path override wins; anything but a Converse path is refused", () => {
  const r = plan(provider({ path: "/custom" }), `${MODEL_PATH}/converse`, BODY);
  assert.ok(!(r instanceof GatewayError));
  assert.equal(r.path, "/custom");
  const refused = plan(provider(), "/v1/chat/completions", BODY);
  assert.ok(refused instanceof GatewayError);
  assert.equal(refused.code, "endpoint_not_found");
});

test("usage: input counts cache reads and writes; stream usage from metadata", () => {
  assert.deepEqual(
    bedrock.usageFromJson({
      usage: { inputTokens: 10, outputTokens: 4, cacheReadInputTokens: 5, cacheWriteInputTokens: 2 },
    }),
    { inputTokens: 17, outputTokens: 4 },
  );
  assert.deepEqual(bedrock.usageFromJson("nope"), {});
  const state: StreamState = { usage: {}, sawContent: false };
  const ev = { event: undefined, data: "", raw: "" };
  assert.equal(bedrock.onStreamEvent(ev, { messageStart: { role: "assistant" } }, state), false);
  assert.equal(bedrock.onStreamEvent(ev, { contentBlockDelta: { delta: { text: "Hi" } } }, state), true);
  assert.equal(state.sawContent, true);
  bedrock.onStreamEvent(ev, { metadata: { usage: { inputTokens: 3, outputTokens: 9 } } }, state);
  assert.deepEqual(state.usage, { inputTokens: 3, outputTokens: 9 });
  assert.equal(bedrock.errorMessage({ message: "Malformed input request" }), "Malformed input request");
});
