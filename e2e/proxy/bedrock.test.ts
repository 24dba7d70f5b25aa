// Amazon Bedrock end to end: the official SDKs (openai, @anthropic-ai/sdk), unchanged, through the
// gateway to the simulated Bedrock Runtime. Requests are translated to Converse / ConverseStream,
// signed with SigV4 after the body is final (the simulator recomputes the signature from what it
// received and refuses a bad one with 403), ConverseStream's event-stream frames are re-framed to
// the client's SSE chunk by chunk, the guardrail travels as guardrailConfig, Bedrock's errors
// reach the client in its own format, and the secret key never reaches a log, a dump, a metric or
// an error body.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import type { ProviderConfig } from "../../gateway/src/snapshot/schema.ts";
import { type Simulator, simulatedReplyText, startSimulator } from "../simulator/index.ts";
import { metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const CHUNKS = 4;
const REPLY = simulatedReplyText(CHUNKS);
const MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const CREDS = {
  accessKeyId: "AKIAE2EBEDROCK000001",
  secretAccessKey: "e2e/Bedrock+Secret/Key0000000000000000000",
};
const WEATHER = {
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};
// a 1x1 PNG
const PNG_B64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

function bedrockProvider(sim: Simulator, creds: object, extra: Partial<ProviderConfig> = {}): ProviderConfig {
  return provider(sim.url, "bedrock", {
    bedrock: { region: "us-west-2" },
    auth: { mode: "awsSigV4", credential: JSON.stringify(creds), source: "secret:ai/aws-creds" },
    ...extra,
  });
}

describe("proxy: Amazon Bedrock", () => {
  let sim: Simulator;
  let world: ProxyWorld;
  const bodies: string[] = [];

  before(async () => {
    sim = await startSimulator({ chunks: CHUNKS, awsCredentials: [CREDS] });
    world = await startProxyWorld();
    const r = await world.apply(
      snapshot({
        backends: [
          backend("bedrock", [[bedrockProvider(sim, CREDS)]]),
          backend("bedrock-guarded", [
            [
              bedrockProvider(sim, CREDS, {
                model: MODEL,
                bedrock: { region: "us-west-2", guardrail: { identifier: "gr-e2e", version: "3" } },
              }),
            ],
          ]),
          backend("bedrock-wrong-secret", [
            [bedrockProvider(sim, { ...CREDS, secretAccessKey: "wrong/secret/key000000000000000000000000" })],
          ]),
        ],
        routes: [
          route("bedrock", ["bedrock"], { match: { path: { type: "PathPrefix", value: "/bedrock" } } }),
          route("guarded", ["bedrock-guarded"], {
            match: { path: { type: "PathPrefix", value: "/guarded" } },
          }),
          route("wrong", ["bedrock-wrong-secret"], {
            match: { path: { type: "PathPrefix", value: "/wrong" } },
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

  const openai = (prefix: string) =>
    new OpenAI({ baseURL: `${world.base}${prefix}/v1`, apiKey: "unused", maxRetries: 0 });
  const anthropic = (prefix: string) =>
    new Anthropic({ baseURL: `${world.base}${prefix}`, apiKey: "unused", maxRetries: 0 });
  const lastCall = () => {
    const r = [...sim.requests].reverse().find((q) => q.path.startsWith("/model/"));
    assert.ok(r, "Bedrock got a request");
    return r;
  };

  describe("openai SDK -> Bedrock", () => {
    it("chat: Converse with a SigV4 signature, system and inferenceConfig, usage", async () => {
      sim.reset();
      const r = await openai("/bedrock").chat.completions.create({
        model: MODEL,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Say hello" },
        ],
        max_tokens: 50,
      });
      assert.equal(r.choices[0]?.message.content, REPLY);
      assert.equal(r.choices[0]?.finish_reason, "stop");
      assert.equal(r.usage?.completion_tokens, CHUNKS);
      assert.ok((r.usage?.prompt_tokens ?? 0) > 0);
      assert.equal(r.model, MODEL);
      const seen = lastCall();
      assert.equal(seen.path, `/model/${encodeURIComponent(MODEL)}/converse`);
      assert.match(
        seen.headers.authorization ?? "",
        new RegExp(
          `^AWS4-HMAC-SHA256 Credential=${CREDS.accessKeyId}/\\d{8}/us-west-2/bedrock/aws4_request, `,
        ),
      );
      const body = seen.body as Record<string, unknown>;
      assert.deepEqual(body.system, [{ text: "Be brief." }]);
      assert.deepEqual(body.inferenceConfig, { maxTokens: 50 });
      assert.equal(body.model, undefined);
      assert.equal(body.guardrailConfig, undefined);
    });

    it("stream: event-stream frames re-framed chunk by chunk as chat.completion.chunk", async () => {
      sim.reset();
      const stream = await openai("/bedrock").chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Say hello" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      let chunks = 0;
      let finish: string | null | undefined;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const c of stream) {
        chunks++;
        text += c.choices[0]?.delta.content ?? "";
        finish ??= c.choices[0]?.finish_reason;
        if (c.usage) usage = c.usage;
      }
      assert.equal(text, REPLY);
      assert.ok(chunks >= CHUNKS, `${chunks} chunks`);
      assert.equal(finish, "stop");
      assert.equal(usage?.completion_tokens, CHUNKS);
      assert.equal(lastCall().path, `/model/${encodeURIComponent(MODEL)}/converse-stream`);
    });

    it("tools: toolUse comes back as tool_calls, JSON and streamed arguments", async () => {
      sim.reset();
      const r = await openai("/bedrock").chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: [{ type: "function", function: WEATHER }],
      });
      const call = r.choices[0]?.message.tool_calls?.[0];
      assert.ok(call && call.type === "function");
      assert.equal(call.function.name, "get_weather");
      assert.deepEqual(JSON.parse(call.function.arguments), { city: "sim" });
      assert.equal(r.choices[0]?.finish_reason, "tool_calls");
      const sent = lastCall().body as { toolConfig: { tools: { toolSpec: { name: string } }[] } };
      assert.equal(sent.toolConfig.tools[0]?.toolSpec.name, "get_weather");

      const stream = await openai("/bedrock").chat.completions.create({
        model: MODEL,
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: [{ type: "function", function: WEATHER }],
        stream: true,
      });
      let args = "";
      let name: string | undefined;
      let pieces = 0;
      let finish: string | null | undefined;
      for await (const c of stream) {
        const tc = c.choices[0]?.delta.tool_calls?.[0];
        if (tc?.function?.name) name = tc.function.name;
        if (tc?.function?.arguments) {
          args += tc.function.arguments;
          pieces++;
        }
        finish ??= c.choices[0]?.finish_reason;
      }
      assert.equal(name, "get_weather");
      assert.ok(pieces >= 2, `arguments in ${pieces} pieces`);
      assert.deepEqual(JSON.parse(args), { city: "sim" });
      assert.equal(finish, "tool_calls");
    });

    it("an image part goes as an image block with inline bytes", async () => {
      sim.reset();
      const r = await openai("/bedrock").chat.completions.create({
        model: MODEL,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "What is this?" },
              { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_B64}` } },
            ],
          },
        ],
      });
      assert.equal(r.choices[0]?.message.content, REPLY);
      const sent = lastCall().body as { messages: { content: unknown[] }[] };
      assert.deepEqual(sent.messages[0]?.content[1], {
        image: { format: "png", source: { bytes: PNG_B64 } },
      });
    });

    it("the backend's model and guardrail: guardrailConfig in every request", async () => {
      sim.reset();
      const r = await openai("/guarded").chat.completions.create({
        model: "whatever-the-client-says",
        messages: [{ role: "user", content: "Say hello" }],
      });
      assert.equal(r.choices[0]?.message.content, REPLY);
      const seen = lastCall();
      assert.equal(seen.path, `/model/${encodeURIComponent(MODEL)}/converse`);
      assert.deepEqual((seen.body as Record<string, unknown>).guardrailConfig, {
        guardrailIdentifier: "gr-e2e",
        guardrailVersion: "3",
      });
    });
  });

  it("openai SDK responses: translated to Converse and back", async () => {
    sim.reset();
    const r = await openai("/bedrock").responses.create({ model: MODEL, input: "Say hello" });
    assert.equal(r.output_text, REPLY);
    assert.equal(r.usage?.output_tokens, CHUNKS);
    assert.equal(lastCall().path, `/model/${encodeURIComponent(MODEL)}/converse`);
  });

  describe("@anthropic-ai/sdk -> Bedrock", () => {
    it("messages: translated to Converse and back", async () => {
      sim.reset();
      const m = await anthropic("/bedrock").messages.create({
        model: MODEL,
        max_tokens: 64,
        system: "Be brief.",
        messages: [{ role: "user", content: "Say hello" }],
      });
      assert.equal(m.type, "message");
      assert.equal(m.content[0]?.type === "text" ? m.content[0].text : undefined, REPLY);
      assert.equal(m.stop_reason, "end_turn");
      assert.equal(m.usage.output_tokens, CHUNKS);
      const body = lastCall().body as Record<string, unknown>;
      assert.deepEqual(body.system, [{ text: "Be brief." }]);
      assert.deepEqual(body.inferenceConfig, { maxTokens: 64 });
    });

    it("messages stream: typed events, text deltas, usage", async () => {
      sim.reset();
      const stream = anthropic("/bedrock").messages.stream({
        model: MODEL,
        max_tokens: 64,
        messages: [{ role: "user", content: "Say hello" }],
      });
      let text = "";
      const types = new Set<string>();
      for await (const ev of stream) {
        types.add(ev.type);
        if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
      }
      const final = await stream.finalMessage();
      assert.equal(text, REPLY);
      assert.ok(types.has("message_start") && types.has("message_stop"), [...types].join(","));
      assert.equal(final.usage.output_tokens, CHUNKS);
      assert.equal(lastCall().path, `/model/${encodeURIComponent(MODEL)}/converse-stream`);
    });
  });

  describe("errors", () => {
    it("a signature Bedrock refuses (403) reaches the client as an OpenAI-style error", async () => {
      sim.reset();
      const r = await postJson(`${world.base}/wrong/v1/chat/completions`, {
        model: MODEL,
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(r.status, 403);
      const text = await r.text();
      bodies.push(text);
      const body = JSON.parse(text) as { error?: { message?: string; type?: string } };
      assert.ok(body.error && typeof body.error.message === "string", text);
      assert.equal(
        sim.requests.filter((q) => q.path.startsWith("/model/")).length,
        1,
        "signed and sent once",
      );
    });

    it("a ValidationException (400) reaches an Anthropic client in Anthropic's format", async () => {
      sim.reset();
      // two user turns in a row are merged by the translator; a tool result without a tool call is not valid
      const err = await anthropic("/bedrock")
        .messages.create({
          model: MODEL,
          max_tokens: 16,
          messages: [
            { role: "user", content: "hi" },
            { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "f", input: {} }] },
            { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "ok" }] },
          ],
        })
        .catch((e: unknown) => e);
      assert.ok(err instanceof Anthropic.APIError, String(err));
      assert.equal(err.status, 400);
      bodies.push(JSON.stringify(err.error));
      assert.equal((err.error as { type?: string }).type, "error");
      assert.match(err.message, /toolConfig/, "Bedrock's validation message is passed on");
      assert.ok(lastCall(), "Bedrock refused it, not the gateway");
    });

    it("a ThrottlingException (429) is rate_limited with Bedrock's Retry-After passed on", async () => {
      sim.reset();
      sim.injectFault({ kind: "status", status: 429, retryAfter: 7 }, { count: 3, pathPrefix: "/model/" });
      const r = await postJson(`${world.base}/bedrock/v1/chat/completions`, {
        model: MODEL,
        messages: [{ role: "user", content: "hi" }],
      });
      assert.equal(r.status, 429);
      assert.equal(r.headers.get("retry-after"), "7");
      const text = await r.text();
      bodies.push(text);
      const body = JSON.parse(text) as { error?: { code?: string } };
      assert.equal(body.error?.code, "rate_limited", text);
    });

    it("a stream Bedrock cuts midway ends with an error event in the client's format", async () => {
      sim.reset();
      sim.injectFault({ kind: "cut", afterChunks: 2 }, { count: 1, pathPrefix: "/model/" });
      const res = await postJson(`${world.base}/bedrock/v1/messages`, {
        model: MODEL,
        max_tokens: 32,
        stream: true,
        messages: [{ role: "user", content: "hello" }],
      });
      const reader = res.body?.getReader();
      assert.ok(reader);
      const decoder = new TextDecoder();
      let text = "";
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          text += decoder.decode(value, { stream: true });
        }
      } catch {
        // a cut stream may end with a reset
      }
      assert.match(text, /event: content_block_delta/, "the events before the cut were relayed");
      assert.match(text, /event: error\ndata: \{"type":"error"/);
      assert.doesNotMatch(text, /event: message_stop/);
    });

    it("count_tokens is counted by the gateway, Bedrock not called", async () => {
      sim.reset();
      const r = await anthropic("/bedrock").messages.countTokens({
        model: MODEL,
        messages: [{ role: "user", content: "Say hello to everyone here" }],
      });
      assert.ok(r.input_tokens > 0);
      assert.equal(sim.requests.filter((q) => q.path.startsWith("/model/")).length, 0);
    });

    it("embeddings are not served by Bedrock backends: 404 without a provider call", async () => {
      sim.reset();
      const r = await postJson(`${world.base}/bedrock/v1/embeddings`, { model: MODEL, input: "x" });
      assert.equal(r.status, 404);
      bodies.push(await r.text());
      assert.equal(sim.requests.filter((q) => q.path.startsWith("/model/")).length, 0);
    });
  });

  it("usage is metered under aws.bedrock from Converse usage and stream metadata", async () => {
    const m = await world.metrics();
    const out = (type: string) =>
      metricSum(m, "gen_ai_client_token_usage_sum", {
        gen_ai_provider_name: "aws.bedrock",
        gen_ai_token_type: type,
        gen_ai_request_model: MODEL,
      });
    // chat, stream, image, responses, messages, messages stream: CHUNKS output tokens each at least
    assert.ok(out("output") >= CHUNKS * 6, `output tokens ${out("output")}`);
    assert.ok(out("input") > 0, `input tokens ${out("input")}`);
  });

  it("the secret key never appears in /metrics, /config_dump, logs or error bodies", async () => {
    const metrics = await world.metrics();
    const dump = await (await fetch(`${world.admin}/config_dump`)).text();
    assert.match(dump, /secret:ai\/aws-creds/, "the credentials' source stays visible");
    const logs = world.logs.join("");
    assert.ok(bodies.length >= 3);
    const secrets = [CREDS.secretAccessKey, "wrong/secret/key000000000000000000000000"];
    for (const [where, text] of Object.entries({ metrics, dump, logs, bodies: bodies.join("\n") })) {
      for (const s of secrets) assert.ok(!text.includes(s), `${where} leaks the secret key`);
    }
  });
});
