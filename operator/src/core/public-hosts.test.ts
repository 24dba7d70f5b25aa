import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isPublicProviderHost } from "./public-hosts.ts";

describe("isPublicProviderHost", () => {
  it("knows every public provider host, in any case and with a trailing dot", () => {
    for (const h of [
      "api.openai.com",
      "API.OpenAI.com.",
      "api.anthropic.com",
      "res.openai.azure.com",
      "proj.services.ai.azure.com",
      "generativelanguage.googleapis.com",
      "aiplatform.googleapis.com",
      "us-east5-aiplatform.googleapis.com",
      "bedrock-runtime.us-west-2.amazonaws.com",
    ])
      assert.equal(isPublicProviderHost(h), true, h);
  });
  it("leaves other hosts alone", () => {
    for (const h of [
      "127.0.0.1",
      "llm.internal.example",
      "api.openai.com.evil.example",
      "openai.azure.com",
      "notapi.openai.com",
      "bedrock.us-east-1.amazonaws.com",
      "ollama",
    ])
      assert.equal(isPublicProviderHost(h), false, h);
  });
});
