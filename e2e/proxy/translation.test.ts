// One API for every provider: the official SDKs, unchanged, through the gateway to a simulator of
// another provider (which validates bodies as strictly as the real one, so a wrong translation
// fails). Also the endpoint catalogue: unknown paths 404 and wrong methods 405, never forwarded;
// GET /v1/models answered by the gateway; token metrics from the provider's own usage.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { countTokens } from "gpt-tokenizer";
import OpenAI from "openai";
import { estimateInputTokens, type Simulator, startSimulator } from "../simulator/index.ts";
import { embeddingOf } from "../simulator/openai-embeddings.ts";
import { metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const KEY = "sk-platform-translation-0001";
const CHUNKS = 4;
const WEATHER = {
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};
// a 1x1 PNG
const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("proxy: translation between client and provider formats", () => {
  let sim: Simulator;
  let world: ProxyWorld;

  before(async () => {
    sim = await startSimulator({ chunks: CHUNKS });
    world = await startProxyWorld();
    const inject = (header: string) => ({
      mode: "inject" as const,
      header,
      prefix: "",
      credential: KEY,
      source: "inline",
    });
    const r = await world.apply(
      snapshot({
        backends: [
          backend("claude", [
            [provider(sim.url, "anthropic", { model: "claude-haiku-4-5", auth: inject("x-api-key") })],
          ]),
          backend("gpt", [
            [provider(sim.url, "openai", { model: "gpt-4o-mini", auth: inject("authorization") })],
          ]),
          backend("gemini", [
            [
              provider(sim.url, "gemini", {
                model: "gemini-2.0-flash",
                gemini: { apiVersion: "v1beta" },
                auth: inject("x-goog-api-key"),
              }),
            ],
          ]),
          backend("gemini-embed", [
            [
              provider(sim.url, "gemini", {
                model: "text-embedding-004",
                gemini: { apiVersion: "v1beta" },
                auth: inject("x-goog-api-key"),
              }),
            ],
          ]),
        ],
        routes: [
          route("to-gemini-embed", ["gemini-embed"], {
            match: { path: { type: "PathPrefix", value: "/gemini-embed" } },
          }),
          route("to-claude", ["claude"], { match: { path: { type: "PathPrefix", value: "/claude" } } }),
          route("to-gpt", ["gpt"], { match: { path: { type: "PathPrefix", value: "/gpt" } } }),
          route("to-gemini", ["gemini"], { match: { path: { type: "PathPrefix", value: "/gemini" } } }),
          route("open-gpt", ["gpt"], {
            match: { path: { type: "PathPrefix", value: "/open-gpt" } },
            api: { passthroughUnknownPaths: true, unsupportedFields: "Drop" },
          }),
          route("open-claude", ["claude"], {
            match: { path: { type: "PathPrefix", value: "/open-claude" } },
            api: { passthroughUnknownPaths: true, unsupportedFields: "Drop" },
          }),
        ],
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await sim?.close();
  });

  const lastBody = (): unknown => {
    const r = sim.lastRequest();
    assert.ok(r, "the simulator got a request");
    return r.body;
  };
  const openai = (prefix: string) =>
    new OpenAI({ baseURL: `${world.base}${prefix}/v1`, apiKey: "unused", maxRetries: 0 });
  const anthropic = (prefix: string) =>
    new Anthropic({ baseURL: `${world.base}${prefix}`, apiKey: "unused", maxRetries: 0 });

  describe("endpoint catalogue", () => {
    it("wrong methods are 405 with Allow, unknown OpenAI paths 404, and the provider never sees them", async () => {
      sim.reset();
      const cases: [string, string, number][] = [
        ["GET", "/gpt/v1/chat/completions", 405],
        ["DELETE", "/gpt/v1/models/ft:gpt-4o-mini:acme:x", 405],
        ["PUT", "/claude/v1/messages", 405],
        ["PATCH", "/gpt/v1/embeddings", 405],
        ["POST", "/gpt/v1/models", 405],
        ["POST", "/gpt/v1/audio/speech", 404],
        ["POST", "/gpt/v1/images/generations", 404],
        ["POST", "/gpt/v1/completions", 404],
        ["GET", "/gpt/v1/files", 404],
      ];
      for (const [method, path, status] of cases) {
        const res = await fetch(`${world.base}${path}`, {
          method,
          headers: { "content-type": "application/json" },
          ...(method === "GET" ? {} : { body: "{}" }),
        });
        assert.equal(res.status, status, `${method} ${path}`);
        const body = (await res.json()) as
          | { error: { code: string } }
          | { type: string; error: { type: string } };
        if (path.startsWith("/claude")) assert.equal((body as { type: string }).type, "error");
        else
          assert.equal(
            (body as { error: { code: string } }).error.code,
            status === 405 ? "method_not_allowed" : "endpoint_not_found",
          );
        if (status === 405) assert.ok(res.headers.get("allow"), `${method} ${path} has Allow`);
      }
      assert.equal(sim.requests.length, 0, "the simulator saw a refused request");
    });

    it("a route that opts in passes unknown OpenAI paths through to an OpenAI backend, unchanged", async () => {
      sim.reset();
      const res = await postJson(`${world.base}/open-gpt/v1/audio/speech`, {
        model: "tts-1",
        input: "hi",
        voice: "alloy",
      });
      // the simulator has no TTS: its own 404 comes back, proving the request went there unchanged
      assert.equal(res.status, 404);
      await res.body?.cancel();
      assert.equal(sim.lastRequest()?.path, "/v1/audio/speech");
      assert.equal(sim.lastRequest()?.headers.authorization, KEY);
      const put = await fetch(`${world.base}/open-gpt/v1/files/f1`, { method: "PUT", body: "{}" });
      assert.equal(put.status, 405);
      await put.body?.cancel();
      const toClaude = await postJson(`${world.base}/open-claude/v1/audio/speech`, { input: "hi" });
      assert.equal(toClaude.status, 404);
      await toClaude.body?.cancel();
      assert.equal(sim.requests.length, 1, "only the passed-through request reached the provider");
    });

    it("a route that drops untranslatable fields sends the rest", async () => {
      sim.reset();
      const r = await openai("/open-claude").chat.completions.create({
        model: "x",
        messages: [{ role: "user", content: "hi" }],
        logprobs: true,
        seed: 7,
      });
      assert.equal(r.choices[0]?.message.content, "Hello from the simulated");
      const sent = lastBody() as Record<string, unknown>;
      assert.equal(sent.logprobs, undefined);
      assert.equal(sent.seed, undefined);
      const m = await anthropic("/open-gpt").messages.create({
        model: "c",
        max_tokens: 10,
        top_k: 3,
        messages: [{ role: "user", content: "hi" }],
      } as Anthropic.MessageCreateParamsNonStreaming);
      assert.equal(m.stop_reason, "end_turn");
      assert.equal((lastBody() as Record<string, unknown>).top_k, undefined);
    });

    it("/v1/models is answered by the gateway with the models the route reaches", async () => {
      sim.reset();
      const list = await openai("/claude").models.list();
      assert.deepEqual(
        list.data.map((m) => m.id),
        ["claude-haiku-4-5"],
      );
      const one = await openai("/gemini").models.retrieve("gemini-2.0-flash");
      assert.equal(one.id, "gemini-2.0-flash");
      const missing = await fetch(`${world.base}/gpt/v1/models/gpt-5`);
      assert.equal(missing.status, 404);
      await missing.body?.cancel();
      assert.equal(sim.requests.length, 0);
    });
  });

  describe("embeddings and count_tokens across families", () => {
    it("openai SDK embeddings -> Gemini batchEmbedContents, float and base64, with dimensions", async () => {
      sim.reset();
      const client = openai("/gemini-embed");
      // the SDK asks for base64 by default and decodes it
      const b64 = await client.embeddings.create({
        model: "ignored",
        input: ["alpha", "beta"],
        dimensions: 8,
      });
      assert.equal(b64.object, "list");
      assert.equal(b64.model, "text-embedding-004");
      assert.deepEqual(
        b64.data.map((d) => d.index),
        [0, 1],
      );
      assert.deepEqual(b64.data[0]?.embedding, Array.from(embeddingOf("alpha", 8)));
      const seen = sim.lastRequest();
      assert.equal(seen?.path, "/v1beta/models/text-embedding-004:batchEmbedContents");
      assert.equal(seen?.headers["x-goog-api-key"], KEY);
      assert.deepEqual(seen?.body, {
        requests: ["alpha", "beta"].map((text) => ({
          model: "models/text-embedding-004",
          content: { parts: [{ text }] },
          outputDimensionality: 8,
        })),
      });
      const floats = await client.embeddings.create({ model: "x", input: "gamma", encoding_format: "float" });
      assert.equal(floats.data.length, 1);
      assert.deepEqual(floats.data[0]?.embedding, Array.from(embeddingOf("gamma", 16)));
    });

    it("embeddings that cannot be translated are refused before any provider call", async () => {
      sim.reset();
      const tokenIds = await postJson(`${world.base}/gemini-embed/v1/embeddings`, { input: [1, 2, 3] });
      assert.equal(tokenIds.status, 400);
      const e = (await tokenIds.json()) as { error: { message: string } };
      assert.match(e.error.message, /'input'/);
      const user = await postJson(`${world.base}/gemini-embed/v1/embeddings`, { input: "x", user: "u1" });
      assert.equal(user.status, 400);
      await user.body?.cancel();
      const toClaude = await postJson(`${world.base}/claude/v1/embeddings`, { input: "x" });
      assert.equal(toClaude.status, 404);
      await toClaude.body?.cancel();
      assert.equal(sim.requests.length, 0);
    });

    it("@anthropic-ai/sdk count_tokens -> Gemini countTokens gives the provider's count", async () => {
      sim.reset();
      const r = await anthropic("/gemini").messages.countTokens({
        model: "claude-x",
        system: "Be brief.",
        messages: [{ role: "user", content: "count these words please" }],
      });
      assert.equal(r.input_tokens, estimateInputTokens(["Be brief.", "count these words please"]));
      const seen = sim.lastRequest();
      assert.equal(seen?.path, "/v1beta/models/gemini-2.0-flash:countTokens");
      assert.equal(seen?.headers["x-goog-api-key"], KEY);
    });

    it("@anthropic-ai/sdk count_tokens -> OpenAI is counted by the gateway (o200k), with no provider call", async () => {
      sim.reset();
      const { data, response } = await anthropic("/gpt")
        .messages.countTokens({
          model: "claude-x",
          system: "Be brief.",
          messages: [{ role: "user", content: "count these words please" }],
        })
        .withResponse();
      // OpenAI's documented chat accounting: 3 per message, 3 to prime the reply
      const expected = 3 + (3 + countTokens("Be brief.")) + (3 + countTokens("count these words please"));
      assert.equal(data.input_tokens, expected);
      assert.equal(response.headers.get("x-ai-gateway-estimate"), "true");
      assert.equal(sim.requests.length, 0, "no provider was called");
    });
  });

  describe("openai SDK -> Anthropic", () => {
    it("chat: system prompt, max_tokens default, usage and finish reason", async () => {
      sim.reset();
      const r = await openai("/claude").chat.completions.create({
        model: "anything",
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Say hello" },
        ],
        temperature: 0.5,
        stop: ["END"],
      });
      const seen = sim.lastRequest();
      assert.equal(seen?.path, "/v1/messages");
      assert.equal(seen?.headers["x-api-key"], KEY);
      const body = seen?.body as Record<string, unknown>;
      assert.equal(body.system, "Be brief.");
      assert.equal(body.max_tokens, 4096);
      assert.deepEqual(body.stop_sequences, ["END"]);
      assert.equal(r.object, "chat.completion");
      assert.equal(r.choices[0]?.finish_reason, "stop");
      assert.equal(r.choices[0]?.message.content, "Hello from the simulated");
      assert.equal(r.usage?.completion_tokens, CHUNKS);
      assert.ok((r.usage?.prompt_tokens ?? 0) > 0);
    });

    it("stream: text deltas, usage chunk, [DONE]", async () => {
      sim.reset();
      let text = "";
      let usage: OpenAI.CompletionUsage | undefined;
      let finish: string | null | undefined;
      for await (const c of await openai("/claude").chat.completions.create({
        model: "x",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
        stream_options: { include_usage: true },
      })) {
        text += c.choices[0]?.delta.content ?? "";
        finish = c.choices[0]?.finish_reason ?? finish;
        if (c.usage) usage = c.usage;
      }
      assert.equal(text, "Hello from the simulated");
      assert.equal(finish, "stop");
      assert.equal(usage?.completion_tokens, CHUNKS);
      assert.equal((lastBody() as { stream: boolean }).stream, true);
    });

    it("tools: definitions, a tool call, its result, streamed argument deltas, images", async () => {
      sim.reset();
      const client = openai("/claude");
      const tools = [{ type: "function" as const, function: WEATHER }];
      const first = await client.chat.completions.create({
        model: "x",
        tools,
        tool_choice: "required",
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "Weather where this photo was taken?" },
              { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
            ],
          },
        ],
      });
      const call = first.choices[0]?.message.tool_calls?.[0];
      assert.equal(first.choices[0]?.finish_reason, "tool_calls");
      assert.ok(call && call.type === "function");
      assert.equal(call.function.name, "get_weather");
      assert.deepEqual(JSON.parse(call.function.arguments), { city: "sim" });
      const sent = lastBody() as {
        tools: unknown[];
        tool_choice: unknown;
        messages: { content: unknown[] }[];
      };
      assert.deepEqual(sent.tools, [
        { name: "get_weather", description: "Weather for a city", input_schema: WEATHER.parameters },
      ]);
      assert.deepEqual(sent.tool_choice, { type: "any" });
      assert.deepEqual(sent.messages[0]?.content[1], {
        type: "image",
        source: { type: "base64", media_type: "image/png", data: PNG },
      });

      const second = await client.chat.completions.create({
        model: "x",
        tools,
        messages: [
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content: null, tool_calls: [call] },
          { role: "tool", tool_call_id: call.id, content: "sunny" },
        ],
      });
      assert.equal(second.choices[0]?.finish_reason, "stop");
      assert.equal(second.choices[0]?.message.content, "Hello from the simulated");
      const msgs = (lastBody() as { messages: { role: string; content: unknown[] }[] }).messages;
      assert.equal(msgs[2]?.role, "user");
      assert.deepEqual(msgs[2]?.content[0], {
        type: "tool_result",
        tool_use_id: call.id,
        content: [{ type: "text", text: "sunny" }],
      });

      let args = "";
      let name = "";
      let deltas = 0;
      for await (const c of await client.chat.completions.create({
        model: "x",
        tools,
        messages: [{ role: "user", content: "Weather in Paris?" }],
        stream: true,
      })) {
        for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
          name ||= tc.function?.name ?? "";
          if (tc.function?.arguments) {
            args += tc.function.arguments;
            deltas++;
          }
        }
      }
      assert.equal(name, "get_weather");
      assert.deepEqual(JSON.parse(args), { city: "sim" });
      assert.ok(deltas >= 2, "arguments arrive as deltas");
    });

    it("a field Anthropic cannot express is a 400 naming it; nothing reaches the provider", async () => {
      sim.reset();
      await assert.rejects(
        openai("/claude").chat.completions.create({
          model: "x",
          messages: [{ role: "user", content: "hi" }],
          logprobs: true,
        }),
        (err: unknown) => err instanceof OpenAI.BadRequestError && /logprobs/.test(err.message),
      );
      await assert.rejects(
        openai("/claude").chat.completions.create({
          model: "x",
          messages: [{ role: "user", content: "hi" }],
          response_format: { type: "json_object" },
        }),
        (err: unknown) => err instanceof OpenAI.BadRequestError && /response_format/.test(err.message),
      );
      const leak = await postJson(`${world.base}/claude/v1/chat/completions`, {
        messages: [{ role: "user", content: "hi" }],
        "sk-proj-abcdef0123456789": true,
      });
      assert.equal(leak.status, 400);
      const text = await leak.text();
      assert.ok(!text.includes("abcdef0123456789"), text);
      assert.equal(sim.requests.length, 0);
    });
  });

  describe("openai SDK Responses API -> Anthropic and Gemini", () => {
    it("create: instructions, text answer, usage", async () => {
      for (const prefix of ["/claude", "/gemini"]) {
        sim.reset();
        const r = await openai(prefix).responses.create({
          model: "x",
          instructions: "Be brief.",
          input: "Say hello",
          max_output_tokens: 50,
        });
        assert.equal(r.status, "completed", prefix);
        assert.equal(r.output_text, "Hello from the simulated", prefix);
        assert.equal(r.usage?.output_tokens, CHUNKS, prefix);
        assert.ok((r.usage?.input_tokens ?? 0) > 0);
      }
      const sent = lastBody() as { systemInstruction: unknown };
      assert.deepEqual(sent.systemInstruction, { parts: [{ text: "Be brief." }] });
    });

    it("stream: output_text deltas and response.completed with usage", async () => {
      sim.reset();
      let text = "";
      let completed: OpenAI.Responses.Response | undefined;
      for await (const ev of await openai("/claude").responses.create({
        model: "x",
        input: "hi",
        stream: true,
      })) {
        if (ev.type === "response.output_text.delta") text += ev.delta;
        if (ev.type === "response.completed") completed = ev.response;
      }
      assert.equal(text, "Hello from the simulated");
      assert.equal(completed?.usage?.output_tokens, CHUNKS);
    });

    it("function calls: a call, its output sent back, streamed arguments", async () => {
      sim.reset();
      const client = openai("/claude");
      const tools = [{ type: "function" as const, strict: false, ...WEATHER }];
      const first = await client.responses.create({ model: "x", tools, input: "Weather in Paris?" });
      const call = first.output.find((o) => o.type === "function_call");
      assert.ok(call && call.type === "function_call");
      assert.equal(call.name, "get_weather");
      assert.deepEqual(JSON.parse(call.arguments), { city: "sim" });
      const second = await client.responses.create({
        model: "x",
        tools,
        input: [
          { role: "user", content: "Weather in Paris?" },
          { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: "function_call_output", call_id: call.call_id, output: "sunny" },
        ],
      });
      assert.equal(second.output_text, "Hello from the simulated");
      const msgs = (lastBody() as { messages: { role: string; content: unknown[] }[] }).messages;
      assert.deepEqual(msgs[2]?.content[0], {
        type: "tool_result",
        tool_use_id: call.call_id,
        content: [{ type: "text", text: "sunny" }],
      });
      let args = "";
      for await (const ev of await client.responses.create({
        model: "x",
        tools,
        input: "Weather?",
        stream: true,
      })) {
        if (ev.type === "response.function_call_arguments.delta") args += ev.delta;
      }
      assert.deepEqual(JSON.parse(args), { city: "sim" });
    });
  });

  describe("@anthropic-ai/sdk -> OpenAI", () => {
    it("messages: system, stop sequences, usage", async () => {
      sim.reset();
      const r = await anthropic("/gpt").messages.create({
        model: "claude-anything",
        max_tokens: 100,
        system: "Be brief.",
        stop_sequences: ["END"],
        messages: [{ role: "user", content: "Say hello" }],
      });
      const seen = sim.lastRequest();
      assert.equal(seen?.path, "/v1/chat/completions");
      assert.equal(seen?.headers.authorization, KEY);
      const body = seen?.body as { messages: unknown[]; max_tokens: number; stop: string[]; model: string };
      assert.deepEqual(body.messages[0], { role: "system", content: "Be brief." });
      assert.equal(body.max_tokens, 100);
      assert.deepEqual(body.stop, ["END"]);
      assert.equal(body.model, "gpt-4o-mini");
      assert.equal(r.type, "message");
      assert.equal(r.stop_reason, "end_turn");
      assert.deepEqual(r.content, [{ type: "text", text: "Hello from the simulated" }]);
      assert.equal(r.usage.output_tokens, CHUNKS);
    });

    it("stream: the SDK's event stream assembles the message and its usage", async () => {
      sim.reset();
      const stream = anthropic("/gpt").messages.stream({
        model: "c",
        max_tokens: 50,
        messages: [{ role: "user", content: "hi" }],
      });
      const msg = await stream.finalMessage();
      assert.equal(msg.content.length, 1);
      assert.equal(msg.content[0]?.type === "text" ? msg.content[0].text : "", "Hello from the simulated");
      assert.equal(msg.stop_reason, "end_turn");
      assert.equal(msg.usage.output_tokens, CHUNKS);
      assert.ok(msg.usage.input_tokens > 0);
    });

    it("tools: tool_use from OpenAI tool_calls, tool_result back, streamed input_json_delta", async () => {
      sim.reset();
      const client = anthropic("/gpt");
      const tools = [
        { name: WEATHER.name, description: WEATHER.description, input_schema: WEATHER.parameters },
      ];
      const first = await client.messages.create({
        model: "c",
        max_tokens: 50,
        tools,
        tool_choice: { type: "tool", name: "get_weather" },
        messages: [{ role: "user", content: "Weather in Paris?" }],
      });
      assert.equal(first.stop_reason, "tool_use");
      const use = first.content.find((b) => b.type === "tool_use");
      assert.ok(use && use.type === "tool_use");
      assert.deepEqual(use.input, { city: "sim" });
      const sent = lastBody() as { tools: unknown[]; tool_choice: unknown };
      assert.deepEqual(sent.tools, [{ type: "function", function: WEATHER }]);
      assert.deepEqual(sent.tool_choice, { type: "function", function: { name: "get_weather" } });

      const second = await client.messages.create({
        model: "c",
        max_tokens: 50,
        tools,
        messages: [
          { role: "user", content: "Weather in Paris?" },
          { role: "assistant", content: [use] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "sunny" }] },
        ],
      });
      assert.equal(second.stop_reason, "end_turn");
      const msgs = (lastBody() as { messages: Record<string, unknown>[] }).messages;
      assert.deepEqual(msgs[2], { role: "tool", tool_call_id: use.id, content: "sunny" });

      const stream = client.messages.stream({
        model: "c",
        max_tokens: 50,
        tools,
        messages: [{ role: "user", content: "Weather in Paris?" }],
      });
      let jsonDeltas = 0;
      stream.on("inputJson", () => jsonDeltas++);
      const final = await stream.finalMessage();
      const streamedUse = final.content.find((b) => b.type === "tool_use");
      assert.ok(streamedUse && streamedUse.type === "tool_use");
      assert.deepEqual(streamedUse.input, { city: "sim" });
      assert.equal(final.stop_reason, "tool_use");
      assert.ok(jsonDeltas >= 2);
    });

    it("errors come back in Anthropic's format with the right status", async () => {
      sim.reset();
      await assert.rejects(
        anthropic("/gpt").messages.create({
          model: "c",
          max_tokens: 10,
          thinking: { type: "enabled", budget_tokens: 1024 },
          messages: [{ role: "user", content: "hi" }],
        }),
        (err: unknown) =>
          err instanceof Anthropic.BadRequestError &&
          /thinking/.test(err.message) &&
          (err.error as { type: string }).type === "error",
      );
      sim.injectFault({ kind: "status", status: 429 }, { count: 1 });
      await assert.rejects(
        anthropic("/gpt").messages.create({
          model: "c",
          max_tokens: 10,
          messages: [{ role: "user", content: "hi" }],
        }),
        (err: unknown) => err instanceof Anthropic.RateLimitError,
      );
    });
  });

  describe("to Gemini", () => {
    it("openai SDK: chat, stream, tools, images", async () => {
      sim.reset();
      const client = openai("/gemini");
      const r = await client.chat.completions.create({
        model: "x",
        max_tokens: 20,
        messages: [
          { role: "system", content: "Be brief." },
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image_url", image_url: { url: `data:image/png;base64,${PNG}` } },
            ],
          },
        ],
      });
      const seen = sim.lastRequest();
      assert.equal(seen?.path, "/v1beta/models/gemini-2.0-flash:generateContent");
      assert.equal(seen?.headers["x-goog-api-key"], KEY);
      assert.deepEqual(seen?.body, {
        contents: [
          {
            role: "user",
            parts: [{ text: "What is this?" }, { inlineData: { mimeType: "image/png", data: PNG } }],
          },
        ],
        systemInstruction: { parts: [{ text: "Be brief." }] },
        generationConfig: { maxOutputTokens: 20 },
      });
      assert.equal(r.choices[0]?.message.content, "Hello from the simulated");
      assert.equal(r.usage?.completion_tokens, CHUNKS);
      assert.equal(r.model, "gemini-2.0-flash");

      let text = "";
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const c of await client.chat.completions.create({
        model: "x",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
        stream_options: { include_usage: true },
      })) {
        text += c.choices[0]?.delta.content ?? "";
        if (c.usage) usage = c.usage;
      }
      assert.equal(text, "Hello from the simulated");
      assert.equal(usage?.completion_tokens, CHUNKS);
      assert.equal(sim.lastRequest()?.path, "/v1beta/models/gemini-2.0-flash:streamGenerateContent");
      assert.equal(sim.lastRequest()?.query.alt, "sse");

      const tools = [{ type: "function" as const, function: WEATHER }];
      const t = await client.chat.completions.create({
        model: "x",
        tools,
        messages: [{ role: "user", content: "Weather?" }],
      });
      const call = t.choices[0]?.message.tool_calls?.[0];
      assert.equal(t.choices[0]?.finish_reason, "tool_calls");
      assert.ok(call && call.type === "function");
      assert.deepEqual(JSON.parse(call.function.arguments), { city: "sim" });
      const back = await client.chat.completions.create({
        model: "x",
        tools,
        messages: [
          { role: "user", content: "Weather?" },
          { role: "assistant", content: null, tool_calls: [call] },
          { role: "tool", tool_call_id: call.id, content: "sunny" },
        ],
      });
      assert.equal(back.choices[0]?.message.content, "Hello from the simulated");
      const contents = (lastBody() as { contents: unknown[] }).contents;
      assert.deepEqual(contents[2], {
        role: "user",
        parts: [{ functionResponse: { name: "get_weather", response: { result: "sunny" } } }],
      });
    });

    it("@anthropic-ai/sdk: messages and stream", async () => {
      sim.reset();
      const client = anthropic("/gemini");
      const r = await client.messages.create({
        model: "c",
        max_tokens: 30,
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(r.content[0]?.type === "text" ? r.content[0].text : "", "Hello from the simulated");
      assert.equal(r.usage.output_tokens, CHUNKS);
      const final = await client.messages
        .stream({ model: "c", max_tokens: 30, messages: [{ role: "user", content: "hi" }] })
        .finalMessage();
      assert.equal(
        final.content[0]?.type === "text" ? final.content[0].text : "",
        "Hello from the simulated",
      );
      assert.equal(final.usage.output_tokens, CHUNKS);
    });

    it("streamed tool calls from Gemini: openai SDK deltas and @anthropic-ai/sdk tool_use", async () => {
      sim.reset();
      let name = "";
      let args = "";
      let finish: string | null | undefined;
      for await (const c of await openai("/gemini").chat.completions.create({
        model: "x",
        tools: [{ type: "function", function: WEATHER }],
        messages: [{ role: "user", content: "Weather?" }],
        stream: true,
      })) {
        for (const tc of c.choices[0]?.delta.tool_calls ?? []) {
          name ||= tc.function?.name ?? "";
          args += tc.function?.arguments ?? "";
        }
        finish = c.choices[0]?.finish_reason ?? finish;
      }
      assert.equal(name, "get_weather");
      assert.deepEqual(JSON.parse(args), { city: "sim" });
      assert.equal(finish, "tool_calls");

      const final = await anthropic("/gemini")
        .messages.stream({
          model: "c",
          max_tokens: 30,
          tools: [{ name: WEATHER.name, input_schema: WEATHER.parameters }],
          messages: [{ role: "user", content: "Weather?" }],
        })
        .finalMessage();
      const use = final.content.find((b) => b.type === "tool_use");
      assert.ok(use && use.type === "tool_use");
      assert.deepEqual(use.input, { city: "sim" });
      assert.equal(final.stop_reason, "tool_use");
    });

    it("@google/genai: its native backend, unchanged", async () => {
      sim.reset();
      const ai = new GoogleGenAI({ apiKey: "unused", httpOptions: { baseUrl: `${world.base}/gemini` } });
      const r = await ai.models.generateContent({ model: "gemini-2.0-flash", contents: "hi" });
      assert.equal(r.text, "Hello from the simulated");
      assert.equal(sim.lastRequest()?.path, "/v1beta/models/gemini-2.0-flash:generateContent");
    });

    it("the simulator refuses an OpenAI-shaped body, as Gemini does", async () => {
      sim.reset();
      const res = await postJson(`${sim.url}/v1beta/models/gemini-2.0-flash:generateContent`, {
        model: "gemini-2.0-flash",
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(res.status, 400);
      await res.body?.cancel();
    });
  });

  it("token metrics come from the provider's usage, whatever the translation", async () => {
    const m = await world.metrics();
    const out = (provider: string) =>
      metricSum(m, "gen_ai_client_token_usage_sum", {
        gen_ai_provider_name: provider,
        gen_ai_token_type: "output",
      });
    assert.ok(out("anthropic") > 0);
    assert.ok(out("openai") > 0);
    assert.ok(out("gcp.gemini") > 0);
  });
});
