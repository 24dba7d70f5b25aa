import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyPath, type Endpoint } from "./catalogue.ts";
import { clientErrorBody, clientErrorEvent } from "./client-errors.ts";
import { modelList, modelObject, routeModels } from "./models.ts";
import { TranslationError } from "./neutral.ts";
import { translateRequest, UntranslatableEndpoint } from "./plan.ts";

const ctx = { nowS: 1, providerModel: undefined, geminiApiVersion: undefined };

function endpoint(path: string): Endpoint {
  const c = classifyPath(path);
  assert.ok(c.kind === "endpoint");
  return c.endpoint;
}
const chat = endpoint("/v1/chat/completions");
const messages = endpoint("/v1/messages");

function refusedField(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof TranslationError) return err.field;
    throw err;
  }
  assert.fail("not refused");
}

test("same family: no translation", () => {
  assert.equal(translateRequest(chat, "openai", { messages: [] }, ctx), undefined);
  assert.equal(translateRequest(chat, "azureopenai", { messages: [] }, ctx), undefined);
  assert.equal(translateRequest(messages, "anthropic", { messages: [] }, ctx), undefined);
  assert.equal(translateRequest(endpoint("/gemini"), "anthropic", {}, ctx), undefined);
});

test("fields the target cannot express are refused by name", () => {
  const msg = [{ role: "user", content: "hi" }];
  assert.equal(
    refusedField(() => translateRequest(chat, "anthropic", { messages: msg, logprobs: true }, ctx)),
    "logprobs",
  );
  assert.equal(
    refusedField(() => translateRequest(chat, "anthropic", { messages: msg, n: 2 }, ctx)),
    "n",
  );
  assert.equal(
    refusedField(() =>
      translateRequest(chat, "anthropic", { messages: msg, response_format: { type: "json_object" } }, ctx),
    ),
    "response_format",
  );
  assert.equal(
    refusedField(() => translateRequest(messages, "openai", { max_tokens: 5, messages: msg, top_k: 3 }, ctx)),
    "top_k",
  );
  assert.equal(
    refusedField(() =>
      translateRequest(messages, "openai", { max_tokens: 5, messages: msg, thinking: {} }, ctx),
    ),
    "thinking",
  );
  assert.equal(
    refusedField(() =>
      translateRequest(
        chat,
        "gemini",
        {
          model: "g",
          messages: [
            { role: "user", content: [{ type: "image_url", image_url: { url: "https://x/y.png" } }] },
          ],
        },
        ctx,
      ),
    ),
    "messages[0].content",
  );
  assert.equal(
    refusedField(() =>
      translateRequest(chat, "gemini", { model: "g", messages: msg, parallel_tool_calls: false }, ctx),
    ),
    "parallel_tool_calls",
  );
  assert.equal(
    refusedField(() => translateRequest(chat, "gemini", { messages: msg }, ctx)),
    "model",
  );
  // null is "not set" in OpenAI's API
  assert.ok(translateRequest(chat, "anthropic", { messages: msg, logprobs: null }, ctx));
});

test("client-supplied names in refusals are shown only as short identifiers", () => {
  const msg = [{ role: "user", content: "hi" }];
  const long = "x".repeat(100);
  assert.throws(
    () => translateRequest(chat, "anthropic", { messages: msg, [long]: 1 }, ctx),
    (err: unknown) =>
      err instanceof TranslationError && err.field === "(unnamed)" && !err.message.includes(long),
  );
  assert.throws(
    () =>
      translateRequest(
        chat,
        "anthropic",
        { messages: [{ role: "user", content: [{ type: "<script>", text: "" }] }] },
        ctx,
      ),
    (err: unknown) => err instanceof TranslationError && !err.message.includes("<script>"),
  );
});

test("operations without a translation say so", () => {
  assert.throws(
    () => translateRequest(endpoint("/v1/embeddings"), "anthropic", { input: "hi" }, ctx),
    UntranslatableEndpoint,
  );
  assert.throws(
    () => translateRequest(endpoint("/v1/responses"), "gemini", { input: [1, 2] }, ctx),
    TranslationError,
  );
});

test("embeddings to Gemini: one batch entry per text, the model in the path and in each entry", () => {
  const t = translateRequest(
    endpoint("/v1/embeddings"),
    "gemini",
    { model: "x", input: ["a", "b"], dimensions: 4, encoding_format: "base64" },
    { ...ctx, providerModel: "gemini-embedding-001" },
  );
  assert.equal(t?.path, "/v1beta/models/gemini-embedding-001:batchEmbedContents");
  assert.deepEqual(t?.body, {
    requests: ["a", "b"].map((text) => ({
      model: "models/gemini-embedding-001",
      content: { parts: [{ text }] },
      outputDimensionality: 4,
    })),
  });
  const out = t?.response.json({ embeddings: [{ values: [1, 0.5] }, { values: [0, -2] }] }) as {
    data: { index: number; embedding: string }[];
    usage: unknown;
  };
  // base64 of little-endian float32
  const bytes = Buffer.from(out.data[1]?.embedding ?? "", "base64");
  const f = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  assert.deepEqual(Array.from(f), [0, -2]);
  assert.deepEqual(out.usage, { prompt_tokens: 0, total_tokens: 0 });
  assert.throws(
    () => translateRequest(endpoint("/v1/embeddings"), "gemini", { input: [[1, 2]] }, ctx),
    (e: unknown) => e instanceof TranslationError && e.field === "input",
  );
});

test("count_tokens: Gemini countTokens with the whole request; OpenAI answered locally", () => {
  const body = { model: "c", system: "S", messages: [{ role: "user", content: "hi" }] };
  const g = translateRequest(endpoint("/v1/messages/count_tokens"), "gemini", body, {
    ...ctx,
    providerModel: "gemini-2.0-flash",
  });
  assert.equal(g?.path, "/v1beta/models/gemini-2.0-flash:countTokens");
  assert.deepEqual(g?.body, {
    generateContentRequest: {
      model: "models/gemini-2.0-flash",
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      systemInstruction: { parts: [{ text: "S" }] },
    },
  });
  assert.deepEqual(g?.response.json({ totalTokens: 7 }), { input_tokens: 7 });
  const o = translateRequest(endpoint("/v1/messages/count_tokens"), "openai", body, ctx);
  assert.ok(o?.local);
  assert.ok((o.local.input_tokens as number) > 0);
});

test("the provider's pinned model wins for Gemini's path", () => {
  const t = translateRequest(
    chat,
    "gemini",
    { model: "gpt-4o", messages: [{ role: "user", content: "hi" }], stream: true },
    {
      ...ctx,
      providerModel: "gemini-2.0-flash",
      geminiApiVersion: "v1",
    },
  );
  assert.equal(t?.path, "/v1/models/gemini-2.0-flash:streamGenerateContent");
});

test("errors in the client's format", () => {
  const body = {
    error: { message: "m", type: "invalid_request_error", code: "unsupported_parameter" as const },
  };
  assert.deepEqual(clientErrorBody("openai", 400, body), body);
  assert.deepEqual(clientErrorBody("anthropic", 429, body), {
    type: "error",
    error: { type: "rate_limit_error", message: "m" },
  });
  assert.deepEqual(clientErrorBody("gemini", 404, body), {
    error: { code: 404, message: "m", status: "NOT_FOUND" },
  });
  assert.match(clientErrorEvent("anthropic", 502, body), /^event: error\ndata: \{"type":"error"/);
});

test("/v1/models: pinned models and concrete route models, sorted, no globs", () => {
  const models = routeModels({
    routeModel: "claude-*",
    providers: [
      { model: "gpt-4o", kind: "openai" },
      { model: undefined, kind: "anthropic" },
      { model: "gpt-4o", kind: "azureopenai" },
      { model: "claude-haiku-4-5", kind: "anthropic" },
    ],
  });
  assert.deepEqual(modelList(models), {
    object: "list",
    data: [
      { id: "claude-haiku-4-5", object: "model", created: 0, owned_by: "anthropic" },
      { id: "gpt-4o", object: "model", created: 0, owned_by: "openai" },
    ],
  });
  assert.equal(modelObject(models, "nope"), undefined);
  assert.deepEqual(
    routeModels({ routeModel: "llama-3", providers: [] }).map((m) => m.id),
    ["llama-3"],
  );
});
