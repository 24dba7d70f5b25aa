// Vertex AI paths and bodies, from the Vertex AI REST reference and Anthropic's Vertex page.
import assert from "node:assert/strict";
import { test } from "node:test";
import { toMessagesRequest } from "./anthropic-messages.ts";
import { parseChatRequest } from "./openai-chat.ts";
import { toVertexAnthropicBody, vertexPath, vertexPublisher } from "./vertex.ts";

const loc = { project: "my-proj", location: "us-east5" };

test("publisher and method by model", () => {
  assert.equal(vertexPublisher("claude-sonnet-4-5@20250929"), "anthropic");
  assert.equal(vertexPublisher("gemini-2.5-flash"), "google");
  assert.equal(
    vertexPath(loc, "gemini-2.5-flash", false),
    "/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent",
  );
  assert.equal(
    vertexPath(loc, "gemini-2.5-flash", true),
    "/v1/projects/my-proj/locations/us-east5/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
  );
  assert.equal(
    vertexPath(loc, "claude-sonnet-4-5@20250929", true),
    "/v1/projects/my-proj/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5%4020250929:streamRawPredict",
  );
});

test("an OpenAI chat request for Claude on Vertex: no model in the body, anthropic_version added", () => {
  const body = toMessagesRequest(
    parseChatRequest({
      model: "claude-sonnet-4-5",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    }),
  );
  assert.deepEqual(toVertexAnthropicBody(body), {
    anthropic_version: "vertex-2023-10-16",
    max_tokens: 4096,
    messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
    stream: true,
  });
});
