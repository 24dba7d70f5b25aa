import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { presentedKeys } from "./auth.ts";
import { answer, estimateInputTokens, simulatedReplyText, textOf } from "./content.ts";
import { errorBody, errorReply } from "./errors.ts";
import { matchRoute, providerForPath } from "./routes.ts";

describe("simulated content", () => {
  it("counts input tokens as ceil(chars/4), at least 1", () => {
    assert.equal(estimateInputTokens([]), 1);
    assert.equal(estimateInputTokens([""]), 1);
    assert.equal(estimateInputTokens(["abcd"]), 1);
    assert.equal(estimateInputTokens(["abcde"]), 2);
    assert.equal(estimateInputTokens(["abc", "def", "gh"]), 2);
  });

  it("takes text from strings, content parts and Gemini parts, never roles", () => {
    assert.deepEqual(textOf({ role: "user", content: "hi" }), ["hi"]);
    assert.deepEqual(
      textOf([
        {
          role: "user",
          content: [
            { type: "text", text: "a" },
            { type: "image_url", image_url: { url: "u" } },
          ],
        },
        { role: "model", parts: [{ text: "b" }] },
      ]),
      ["a"],
    );
    assert.deepEqual(textOf([{ parts: [{ text: "b" }] }].map((c) => c.parts)), ["b"]);
  });

  it("builds answers of N words, the same every time", () => {
    const a = answer(20);
    assert.equal(a.tokens.length, 20);
    assert.equal(a.text, a.tokens.join(""));
    assert.equal(a.text.split(" ").length, 20);
    assert.deepEqual(
      a.tokensJson.map((j) => JSON.parse(j) as string),
      a.tokens,
    );
    assert.equal(simulatedReplyText(20), a.text);
    assert.equal(simulatedReplyText(2), "Hello from");
  });
});

describe("provider error shapes", () => {
  it("renders each provider's shape", () => {
    assert.deepEqual(errorBody("openai", 429, "slow down"), {
      error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" },
    });
    assert.deepEqual(errorBody("anthropic", 529, "busy"), {
      type: "error",
      error: { type: "overloaded_error", message: "busy" },
    });
    assert.deepEqual(errorBody("gemini", 403, "no"), {
      error: { code: 403, message: "no", status: "PERMISSION_DENIED" },
    });
  });

  it("catalogues codes and sets Retry-After", () => {
    const r = errorReply("openai", "injected", { status: 503, retryAfter: 3 });
    assert.equal(r.status, 503);
    assert.equal(r.headers?.["retry-after"], "3");
    assert.equal(r.headers?.["x-sim-error"], "injected");
  });
});

describe("routing and keys", () => {
  const none = {};
  it("tells the providers' shared GET /v1/models apart", () => {
    assert.equal(matchRoute("GET", "/v1/models", none, none)?.route.provider, "openai");
    assert.equal(
      matchRoute("GET", "/v1/models", { "anthropic-version": "2023-06-01" }, none)?.route.provider,
      "anthropic",
    );
    assert.equal(matchRoute("GET", "/v1/models", { "x-goog-api-key": "k" }, none)?.route.provider, "gemini");
    assert.equal(matchRoute("GET", "/v1beta/models", none, none)?.route.provider, "gemini");
    assert.equal(matchRoute("GET", "/v1/models/gpt-4o", none, none)?.params[0], "gpt-4o");
  });

  it("matches generation paths and decodes their parameters", () => {
    const g = matchRoute("POST", "/v1beta/models/gemini-2.5-flash:streamGenerateContent", none, none);
    assert.deepEqual(g?.params, ["v1beta", "gemini-2.5-flash", "streamGenerateContent"]);
    const z = matchRoute("POST", "/openai/deployments/my%20dep/chat/completions", none, none);
    assert.deepEqual([z?.route.provider, z?.params[0]], ["azure", "my dep"]);
    assert.equal(matchRoute("GET", "/v1/chat/completions", none, none), undefined);
  });

  it("guesses the provider of unknown paths for the error shape", () => {
    assert.equal(providerForPath("/openai/whatever", none, none), "azure");
    assert.equal(providerForPath("/v1beta/foo", none, none), "gemini");
    assert.equal(providerForPath("/v1/messages/batches", none, none), "anthropic");
    assert.equal(providerForPath("/v1/foo", none, none), "openai");
  });

  it("finds keys where each provider puts them", () => {
    assert.deepEqual(presentedKeys("openai", { authorization: "Bearer a" }, none), ["a"]);
    assert.deepEqual(presentedKeys("openai", { authorization: "Basic a" }, none), []);
    assert.deepEqual(presentedKeys("azure", { "api-key": "b", authorization: "Bearer x" }, none), ["b"]);
    assert.deepEqual(presentedKeys("gemini", {}, { key: "c" }), ["c"]);
    assert.deepEqual(presentedKeys("anthropic", { "x-api-key": "d" }, none), ["d"]);
  });
});
