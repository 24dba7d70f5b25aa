import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyPath, errorFormatOf } from "./catalogue.ts";

function op(path: string): string {
  const c = classifyPath(path);
  return c.kind === "endpoint"
    ? `${c.endpoint.format}:${c.endpoint.operation}:${c.endpoint.methods.join(",")}`
    : `unknown:${c.format}`;
}

test("known endpoints: format, operation and the only methods they take", () => {
  assert.equal(op("/v1/chat/completions"), "openai:chat:POST");
  assert.equal(op("/team-a/v1/chat/completions"), "openai:chat:POST");
  assert.equal(op("/v1/responses"), "openai:responses:POST");
  assert.equal(op("/v1/embeddings"), "openai:embeddings:POST");
  assert.equal(op("/v1/models"), "openai:models:GET");
  assert.equal(op("/v1/models/ft:gpt-4o:acme:x"), "openai:model:GET");
  assert.equal(op("/v1/messages"), "anthropic:messages:POST");
  assert.equal(op("/v1/messages/count_tokens"), "anthropic:count_tokens:POST");
  assert.equal(op("/v1beta/models/gemini-2.0-flash:generateContent"), "gemini:generate:POST");
  assert.equal(op("/g/v1/models/gemini-pro:streamGenerateContent"), "gemini:generate:POST");
  assert.equal(op("/v1beta/models/gemini-pro:countTokens"), "gemini:gemini_other:POST");
  assert.equal(op("/openai/deployments/dep/chat/completions"), "openai:chat:POST");
});

test("OpenAI paths the gateway does not serve are unknown, never chat completions", () => {
  for (const p of [
    "/v1/audio/speech",
    "/v1/images/generations",
    "/v1/completions",
    "/v1/files",
    "/x/v1/batches",
  ]) {
    assert.equal(op(p), "unknown:openai", p);
  }
  assert.equal(op("/v1/messages/batches"), "unknown:anthropic");
  assert.equal(classifyPath("/v1/models/a/b").kind, "unknown");
});

test("a path naming no API is the route's native endpoint (POST only)", () => {
  assert.equal(op("/gemini"), "openai:native:POST");
  assert.equal(op("/azure-openai"), "openai:native:POST");
});

test("model ids in the path are decoded", () => {
  const c = classifyPath("/v1/models/ft%3Agpt-4o");
  assert.ok(c.kind === "endpoint");
  assert.equal(c.endpoint.modelId, "ft:gpt-4o");
});

test("early errors take the shape the path suggests", () => {
  assert.equal(errorFormatOf("/v1/messages"), "anthropic");
  assert.equal(errorFormatOf("/v1beta/models/m:generateContent"), "gemini");
  assert.equal(errorFormatOf("/nowhere"), "openai");
});

test("a repeated path gets the same frozen answer; a long path's answer is equal but not kept", () => {
  const a = classifyPath("/team-a/v1/chat/completions");
  assert.equal(classifyPath("/team-a/v1/chat/completions"), a);
  assert.ok(Object.isFrozen(a));
  assert.ok(a.kind === "endpoint" && Object.isFrozen(a.endpoint));
  assert.throws(() => {
    (a as { kind: string }).kind = "unknown";
  }, TypeError);
  const long = `/${"x".repeat(300)}/v1/chat/completions`;
  const b = classifyPath(long);
  assert.notEqual(classifyPath(long), b);
  assert.deepEqual(classifyPath(long), b);
});

test("a flood of distinct paths leaves the answers right (the kept answers are bounded)", () => {
  for (let i = 0; i < 5000; i++) {
    const c = classifyPath(`/p${i}/v1/embeddings`);
    assert.ok(c.kind === "endpoint" && c.endpoint.operation === "embeddings");
  }
  const c = classifyPath("/v1/models/gpt%2D4o");
  assert.ok(c.kind === "endpoint" && c.endpoint.modelId === "gpt-4o");
});
