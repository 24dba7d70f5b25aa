// The official SDKs through the proxy to the simulator: every provider, streaming and not, every
// upstream auth mode. Asserts what the provider saw (path, auth header, model, no client key) and
// that the token usage in /metrics equals the usage the simulator reported.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI, { AzureOpenAI } from "openai";
import type { ProviderConfig, UpstreamAuth } from "../../gateway/src/snapshot/schema.ts";
import { type RecordedRequest, type Simulator, startSimulator } from "../simulator/index.ts";
import { metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const PROVIDER_KEY = "sk-provider-real-0001";
const CLIENT_KEY = "sk-client-own-0002";
const KINDS = ["openai", "azureopenai", "gemini", "anthropic"] as const;
type Kind = (typeof KINDS)[number];
const MODES = ["inject", "passthrough", "none"] as const;
type Mode = (typeof MODES)[number];

const AUTH_HEADER: Record<Kind, { header: string; prefix: string }> = {
  openai: { header: "Authorization", prefix: "Bearer " },
  azureopenai: { header: "api-key", prefix: "" },
  gemini: { header: "x-goog-api-key", prefix: "" },
  anthropic: { header: "x-api-key", prefix: "" },
};
const MODEL: Record<Kind, string> = {
  openai: "gpt-4o-mini",
  azureopenai: "gpt-4o",
  gemini: "gemini-2.0-flash",
  anthropic: "claude-3-5-haiku-latest",
};

function auth(kind: Kind, mode: Mode): UpstreamAuth {
  if (mode === "none") return { mode: "none" };
  if (mode === "passthrough") return { mode: "passthrough", header: AUTH_HEADER[kind].header };
  return {
    mode: "inject",
    ...AUTH_HEADER[kind],
    credential: PROVIDER_KEY,
    source: "secret:ai/provider#apiKey",
  };
}

function providerFor(simUrl: string, kind: Kind, mode: Mode): ProviderConfig {
  const extra: Partial<ProviderConfig> = { model: MODEL[kind], auth: auth(kind, mode) };
  if (kind === "azureopenai") extra.azure = { deploymentName: "gpt4o-prod", apiVersion: "2024-10-21" };
  if (kind === "gemini") extra.gemini = { apiVersion: "v1beta" };
  return provider(simUrl, kind, extra);
}

const prefix = (kind: Kind, mode: Mode) => `/${kind}-${mode}`;
const routeName = (kind: Kind, mode: Mode) => `${kind}-${mode}`;
const routeId = (kind: Kind, mode: Mode) => `AIRoute/ai/${routeName(kind, mode)}/0`;

/** One chat turn with the provider's SDK; returns the text and usage the client saw. */
async function chat(
  base: string,
  kind: Kind,
  mode: Mode,
  stream: boolean,
): Promise<{ text: string; input?: number; output?: number; sawUsageOnlyChunk?: boolean }> {
  const url = `${base}${prefix(kind, mode)}`;
  const prompt = "Say hello to the gateway in five words.";
  if (kind === "openai" || kind === "azureopenai") {
    const client =
      kind === "openai"
        ? new OpenAI({ baseURL: `${url}/v1`, apiKey: CLIENT_KEY, maxRetries: 0 })
        : new AzureOpenAI({
            endpoint: url,
            apiKey: CLIENT_KEY,
            apiVersion: "2024-10-21",
            deployment: "client-dep",
            maxRetries: 0,
          });
    const messages = [{ role: "user" as const, content: prompt }];
    if (!stream) {
      const r = await client.chat.completions.create({ model: "client-model", messages });
      return {
        text: r.choices[0]?.message.content ?? "",
        input: r.usage?.prompt_tokens,
        output: r.usage?.completion_tokens,
      };
    }
    let text = "";
    let sawUsageOnlyChunk = false;
    for await (const chunk of await client.chat.completions.create({
      model: "client-model",
      messages,
      stream: true,
    })) {
      if (chunk.choices.length === 0) sawUsageOnlyChunk = true;
      text += chunk.choices[0]?.delta.content ?? "";
    }
    return { text, sawUsageOnlyChunk };
  }
  if (kind === "anthropic") {
    const client = new Anthropic({ baseURL: url, apiKey: CLIENT_KEY, maxRetries: 0 });
    const params = {
      model: "client-model",
      max_tokens: 64,
      messages: [{ role: "user" as const, content: prompt }],
    };
    if (!stream) {
      const r = await client.messages.create(params);
      const text = r.content.map((c) => (c.type === "text" ? c.text : "")).join("");
      return { text, input: r.usage.input_tokens, output: r.usage.output_tokens };
    }
    let text = "";
    let input: number | undefined;
    let output: number | undefined;
    for await (const ev of await client.messages.create({ ...params, stream: true })) {
      if (ev.type === "message_start") input = ev.message.usage.input_tokens;
      if (ev.type === "message_delta") output = ev.usage.output_tokens;
      if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
    }
    return { text, input, output };
  }
  const ai = new GoogleGenAI({ apiKey: CLIENT_KEY, httpOptions: { baseUrl: url } });
  if (!stream) {
    const r = await ai.models.generateContent({ model: "client-model", contents: prompt });
    return {
      text: r.text ?? "",
      input: r.usageMetadata?.promptTokenCount,
      output: r.usageMetadata?.candidatesTokenCount,
    };
  }
  let text = "";
  let input: number | undefined;
  let output: number | undefined;
  for await (const chunk of await ai.models.generateContentStream({
    model: "client-model",
    contents: prompt,
  })) {
    text += chunk.text ?? "";
    input = chunk.usageMetadata?.promptTokenCount ?? input;
    output = chunk.usageMetadata?.candidatesTokenCount ?? output;
  }
  return { text, input, output };
}

function expectedPath(kind: Kind, stream: boolean): string {
  switch (kind) {
    case "openai":
      return "/v1/chat/completions";
    case "azureopenai":
      return "/openai/deployments/gpt4o-prod/chat/completions";
    case "gemini":
      return `/v1beta/models/${MODEL.gemini}:${stream ? "streamGenerateContent" : "generateContent"}`;
    case "anthropic":
      return "/v1/messages";
  }
}

function credentialValues(rec: RecordedRequest): string {
  return JSON.stringify({ headers: rec.headers, query: rec.query });
}

describe("proxy: official SDKs to every provider", () => {
  let keyed: Simulator;
  let open: Simulator;
  let world: ProxyWorld;

  before(async () => {
    keyed = await startSimulator({ chunks: 5, requireKey: [PROVIDER_KEY, CLIENT_KEY] });
    open = await startSimulator({ chunks: 5 });
    world = await startProxyWorld();
    const backends = [];
    const routes = [];
    for (const kind of KINDS) {
      for (const mode of MODES) {
        const sim = mode === "none" ? open : keyed;
        backends.push(backend(routeName(kind, mode), [[providerFor(sim.url, kind, mode)]]));
        routes.push(
          route(routeName(kind, mode), [routeName(kind, mode)], {
            match: { path: { type: "PathPrefix", value: prefix(kind, mode) } },
          }),
        );
      }
    }
    const r = await world.apply(snapshot({ backends, routes }));
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await keyed?.close();
    await open?.close();
  });

  for (const kind of KINDS) {
    for (const mode of MODES) {
      it(`${kind} / ${mode}: the provider sees exactly the expected path, auth header and model`, async () => {
        const sim = mode === "none" ? open : keyed;
        sim.reset();
        const r = await chat(world.base, kind, mode, false);
        assert.ok(r.text.length > 0);
        const rec = sim.lastRequest();
        assert.ok(rec);
        assert.equal(rec.path, expectedPath(kind, false));
        const header = AUTH_HEADER[kind].header.toLowerCase();
        if (mode === "inject") {
          assert.equal(rec.headers[header], `${AUTH_HEADER[kind].prefix}${PROVIDER_KEY}`);
          assert.ok(!credentialValues(rec).includes(CLIENT_KEY), "the client's own key is not forwarded");
        } else if (mode === "passthrough") {
          assert.equal(rec.headers[header], `${AUTH_HEADER[kind].prefix}${CLIENT_KEY}`);
          assert.ok(!credentialValues(rec).includes(PROVIDER_KEY));
        } else {
          for (const h of ["authorization", "api-key", "x-api-key", "x-goog-api-key"])
            assert.equal(rec.headers[h], undefined, h);
          assert.equal(rec.query.key, undefined);
          assert.ok(!credentialValues(rec).includes(CLIENT_KEY));
        }
        if (kind === "azureopenai") assert.equal(rec.query["api-version"], "2024-10-21");
        if (kind === "anthropic")
          assert.ok(rec.headers["anthropic-version"], "the SDK's own version is kept");
        if (kind === "openai" || kind === "anthropic") {
          assert.equal(
            (rec.body as { model?: string }).model,
            MODEL[kind],
            "the backend's model overrides the client's",
          );
        }
        assert.equal(rec.headers.host, new URL(sim.url).host, "Host is the upstream host");
      });
    }
  }

  for (const kind of KINDS) {
    it(`${kind}: non-streaming and streaming usage in /metrics equals the provider's usage`, async () => {
      const mode = "inject";
      const labels = { route: routeId(kind, mode) };
      const before = await world.metrics();
      const plain = await chat(world.base, kind, mode, false);
      const streamed = await chat(world.base, kind, mode, true);
      assert.equal(streamed.text, plain.text, "the stream carries the same answer");
      if (kind === "openai" || kind === "azureopenai") {
        assert.equal(
          streamed.sawUsageOnlyChunk,
          false,
          "the usage chunk the gateway asked for is not relayed",
        );
        const rec = keyed.lastRequest();
        assert.ok(rec);
        assert.deepEqual((rec.body as { stream_options?: unknown }).stream_options, { include_usage: true });
        assert.equal(rec.path, expectedPath(kind, true));
      } else {
        assert.equal(streamed.input, plain.input);
        assert.equal(streamed.output, plain.output);
        assert.equal(keyed.lastRequest()?.path, expectedPath(kind, true));
      }
      assert.ok(plain.input !== undefined && plain.output !== undefined);
      const afterText = await world.metrics();
      const delta = (type: string) =>
        metricSum(afterText, "gen_ai_client_token_usage_sum", { ...labels, gen_ai_token_type: type }) -
        metricSum(before, "gen_ai_client_token_usage_sum", { ...labels, gen_ai_token_type: type });
      assert.equal(delta("input"), plain.input * 2);
      assert.equal(delta("output"), plain.output * 2);
      const count = (t: string) =>
        metricSum(t, "gen_ai_client_token_usage_count", { ...labels, gen_ai_token_type: "output" });
      assert.equal(count(afterText) - count(before), 2);
      const ttft = (t: string) => metricSum(t, "gen_ai_server_time_to_first_token_seconds_count", labels);
      assert.equal(ttft(afterText) - ttft(before), 1, "one streamed answer, one time-to-first-token sample");
      const ok = (t: string) =>
        metricSum(t, "ai_gateway_requests_total", { ...labels, status: "200", reason: "ok" });
      assert.equal(ok(afterText) - ok(before), 2);
      assert.match(
        afterText,
        new RegExp(
          `gen_ai_provider_name="${kind === "azureopenai" ? "azure.ai.openai" : kind === "gemini" ? "gcp.gemini" : kind}"`,
        ),
      );
    });
  }

  it("the client asking for stream usage gets the usage chunk", async () => {
    const client = new OpenAI({
      baseURL: `${world.base}${prefix("openai", "inject")}/v1`,
      apiKey: "x",
      maxRetries: 0,
    });
    let usage: number | undefined;
    for await (const chunk of await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    })) {
      if (chunk.choices.length === 0) usage = chunk.usage?.completion_tokens;
    }
    assert.equal(usage, 5);
  });

  it("anthropic-version is added when the client sends none", async () => {
    keyed.reset();
    const res = await postJson(`${world.base}${prefix("anthropic", "inject")}/v1/messages`, {
      model: "m",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(res.status, 200);
    assert.equal(keyed.lastRequest()?.headers["anthropic-version"], "2023-06-01");
  });

  it("model labels are bounded: an unknown client model is 'other', backend models keep their name", async () => {
    const text = await world.metrics();
    assert.match(text, /gen_ai_request_model="gpt-4o-mini"/);
    assert.ok(!text.includes('gen_ai_request_model="client-model"'));
  });
});
