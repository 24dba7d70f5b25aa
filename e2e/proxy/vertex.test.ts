// Google Vertex AI end to end: the official SDKs (openai, @anthropic-ai/sdk, @google/genai) through
// the gateway to the simulated Vertex AI, Gemini models on the google publisher and Claude models on
// the anthropic one. The proxy authenticates with a service-account key: it signs a JWT, exchanges
// it at the key's token_uri (the simulator verifies the signature against the account's public
// key) and sends the access token; tokens are cached, refreshed before they expire, fetched once
// for concurrent requests, and neither the key nor a token ever reaches a log, a dump or an error.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import type { ProviderConfig } from "../../gateway/src/snapshot/schema.ts";
import { parseServiceAccountKey } from "../../operator/src/core/gcp-key.ts";
import { type Simulator, simulatedReplyText, startSimulator } from "../simulator/index.ts";
import { exchangeAssertion, type TestServiceAccount, testServiceAccount } from "../simulator/testing.ts";
import { metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const PROJECT = "vtx-proj";
const CHUNKS = 4;
const REPLY = simulatedReplyText(CHUNKS);
const SHORT_TTL_S = 6;
const WEATHER = {
  name: "get_weather",
  description: "Weather for a city",
  parameters: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};
const GOOGLE = `/v1/projects/${PROJECT}/locations/us-east5/publishers/google/models`;
const CLAUDE = `/v1/projects/${PROJECT}/locations/us-east5/publishers/anthropic/models`;

/** The credential the operator puts in the snapshot for a key Secret (normalized key JSON). */
function snapshotCredential(sa: TestServiceAccount, tokenUri: string): string {
  const key = parseServiceAccountKey(
    sa.keyJson(tokenUri),
    { namespace: "ai", name: "vertex-sa" },
    "credentials.json",
  );
  assert.ok(!("reason" in key), "the test key is a valid service-account key");
  return JSON.stringify(key);
}

function vertexProvider(
  sim: Simulator,
  credential: string,
  extra: Partial<ProviderConfig> = {},
): ProviderConfig {
  return provider(sim.url, "vertexai", {
    vertex: { projectId: PROJECT, region: "us-east5" },
    auth: { mode: "gcpServiceAccount", credential, source: "secret:ai/vertex-sa#credentials.json" },
    ...extra,
  });
}

describe("proxy: Google Vertex AI", () => {
  const sa = testServiceAccount(PROJECT);
  const unknown = testServiceAccount(PROJECT, "not-registered");
  let sim: Simulator;
  let shortSim: Simulator;
  let world: ProxyWorld;
  let staticToken: string;
  const bodies: string[] = [];

  before(async () => {
    const accounts = [{ clientEmail: sa.clientEmail, publicKeyPem: sa.publicKeyPem, projectId: PROJECT }];
    sim = await startSimulator({ chunks: CHUNKS, gcpServiceAccounts: accounts });
    shortSim = await startSimulator({
      chunks: CHUNKS,
      gcpServiceAccounts: accounts,
      gcpTokenTtlSeconds: SHORT_TTL_S,
    });
    // an access token minted out of band, for the plain bearer-token Secret mode
    const minted = await exchangeAssertion(`${sim.url}/token`, sa.assertion({ aud: `${sim.url}/token` }));
    staticToken = minted.body.access_token as string;
    world = await startProxyWorld();
    const r = await world.apply(
      snapshot({
        backends: [
          backend("vertex", [[vertexProvider(sim, snapshotCredential(sa, `${sim.url}/token`))]]),
          backend("vertex-claude", [
            [
              vertexProvider(sim, snapshotCredential(sa, `${sim.url}/token`), {
                model: "claude-sonnet-4-5@20250929",
              }),
            ],
          ]),
          backend("vertex-short", [
            [vertexProvider(shortSim, snapshotCredential(sa, `${shortSim.url}/token`))],
          ]),
          backend("vertex-bearer", [
            [
              vertexProvider(sim, "", {
                auth: {
                  mode: "inject",
                  header: "Authorization",
                  prefix: "Bearer ",
                  credential: staticToken,
                  source: "secret:ai/vertex-token#Authorization",
                },
              }),
            ],
          ]),
          backend("vertex-other-project", [
            [
              vertexProvider(sim, snapshotCredential(sa, `${sim.url}/token`), {
                vertex: { projectId: "someone-elses", region: "us-east5" },
              }),
            ],
          ]),
          backend("vertex-bad-key", [[vertexProvider(sim, snapshotCredential(unknown, `${sim.url}/token`))]]),
          backend("vertex-failover", [
            [{ ...vertexProvider(sim, snapshotCredential(unknown, `${sim.url}/token`)), name: "bad-key" }],
            [{ ...vertexProvider(sim, snapshotCredential(sa, `${sim.url}/token`)), name: "good-key" }],
          ]),
        ],
        routes: [
          route("vertex", ["vertex"], { match: { path: { type: "PathPrefix", value: "/vertex" } } }),
          route("claude", ["vertex-claude"], { match: { path: { type: "PathPrefix", value: "/claude" } } }),
          route("short", ["vertex-short"], { match: { path: { type: "PathPrefix", value: "/short" } } }),
          route("bearer", ["vertex-bearer"], { match: { path: { type: "PathPrefix", value: "/bearer" } } }),
          route("denied", ["vertex-other-project"], {
            match: { path: { type: "PathPrefix", value: "/denied" } },
          }),
          route("badkey", ["vertex-bad-key"], { match: { path: { type: "PathPrefix", value: "/badkey" } } }),
          route("failover", ["vertex-failover"], {
            match: { path: { type: "PathPrefix", value: "/failover" } },
          }),
        ],
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await sim?.close();
    await shortSim?.close();
  });

  const openai = (prefix: string) =>
    new OpenAI({ baseURL: `${world.base}${prefix}/v1`, apiKey: "unused", maxRetries: 0 });
  const anthropic = (prefix: string) =>
    new Anthropic({ baseURL: `${world.base}${prefix}`, apiKey: "unused", maxRetries: 0 });
  const lastVertexCall = (s: Simulator = sim) => {
    const r = [...s.requests].reverse().find((q) => q.path.startsWith("/v1/projects/"));
    assert.ok(r, "Vertex AI got a request");
    return r;
  };
  const issuedTokens = (): string[] =>
    [sim, shortSim].flatMap((s) =>
      s.requests
        .map((q) => /^Bearer (.+)$/.exec(q.headers.authorization ?? "")?.[1])
        .filter((t) => t !== undefined),
    );

  it("concurrent first requests share one token exchange; later ones reuse the token", async () => {
    const before = sim.gcpTokensIssued();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        openai("/vertex").chat.completions.create({
          model: "gemini-2.5-flash",
          messages: [{ role: "user", content: "hi" }],
        }),
      ),
    );
    for (const a of answers) assert.equal(a.choices[0]?.message.content, REPLY);
    assert.equal(sim.gcpTokensIssued() - before, 1, "one exchange for six concurrent requests");
    await openai("/vertex").chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "again" }],
    });
    assert.equal(sim.gcpTokensIssued() - before, 1, "the cached token is reused");
    const token = sim.requests.find((q) => q.path === "/token");
    assert.equal(token?.headers["content-type"], "application/x-www-form-urlencoded");
  });

  describe("openai SDK -> Vertex Gemini", () => {
    it("chat: the google publisher path, a bearer access token, usage and finish reason", async () => {
      sim.reset();
      const r = await openai("/vertex").chat.completions.create({
        model: "gemini-2.5-flash",
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
      const seen = lastVertexCall();
      assert.equal(seen.path, `${GOOGLE}/gemini-2.5-flash:generateContent`);
      assert.match(seen.headers.authorization ?? "", /^Bearer ya29\./);
      assert.equal(seen.headers["x-goog-api-key"], undefined);
      const body = seen.body as Record<string, unknown>;
      assert.deepEqual(body.systemInstruction, { parts: [{ text: "Be brief." }] });
      assert.equal(body.model, undefined);
    });

    it("stream: re-framed chunk by chunk as chat.completion.chunk, usage at the end", async () => {
      sim.reset();
      const stream = await openai("/vertex").chat.completions.create({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: "Say hello" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = "";
      let chunks = 0;
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const c of stream) {
        chunks++;
        text += c.choices[0]?.delta.content ?? "";
        if (c.usage) usage = c.usage;
      }
      assert.equal(text, REPLY);
      assert.ok(chunks >= CHUNKS, `${chunks} chunks`);
      assert.equal(usage?.completion_tokens, CHUNKS);
      const seen = lastVertexCall();
      assert.equal(seen.path, `${GOOGLE}/gemini-2.5-flash:streamGenerateContent`);
      assert.equal(seen.query.alt, "sse");
    });

    it("tools: a function call comes back as tool_calls", async () => {
      sim.reset();
      const r = await openai("/vertex").chat.completions.create({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: "Weather in Paris?" }],
        tools: [{ type: "function", function: WEATHER }],
      });
      const call = r.choices[0]?.message.tool_calls?.[0];
      assert.ok(call && call.type === "function");
      assert.equal(call.function.name, "get_weather");
      assert.equal(typeof JSON.parse(call.function.arguments).city, "string");
      assert.equal(r.choices[0]?.finish_reason, "tool_calls");
      const sent = lastVertexCall().body as { tools: { functionDeclarations: { name: string }[] }[] };
      assert.equal(sent.tools[0]?.functionDeclarations[0]?.name, "get_weather");
    });
  });

  describe("Vertex Claude", () => {
    it("openai SDK: rawPredict, the model in the path, anthropic_version in the body", async () => {
      sim.reset();
      const r = await openai("/vertex").chat.completions.create({
        model: "claude-sonnet-4-5@20250929",
        messages: [{ role: "user", content: "Say hello" }],
      });
      assert.equal(r.choices[0]?.message.content, REPLY);
      assert.equal(r.usage?.completion_tokens, CHUNKS);
      const seen = lastVertexCall();
      assert.equal(seen.path, `${CLAUDE}/claude-sonnet-4-5%4020250929:rawPredict`);
      const body = seen.body as Record<string, unknown>;
      assert.equal(body.anthropic_version, "vertex-2023-10-16");
      assert.equal(body.model, undefined);
      assert.equal(seen.headers["anthropic-version"], undefined);
    });

    it("openai SDK stream: streamRawPredict, events re-framed", async () => {
      sim.reset();
      let text = "";
      for await (const c of await openai("/vertex").chat.completions.create({
        model: "claude-sonnet-4-5@20250929",
        messages: [{ role: "user", content: "Say hello" }],
        stream: true,
      }))
        text += c.choices[0]?.delta.content ?? "";
      assert.equal(text, REPLY);
      assert.equal(lastVertexCall().path, `${CLAUDE}/claude-sonnet-4-5%4020250929:streamRawPredict`);
    });

    it("@anthropic-ai/sdk: messages and a stream, the backend's model in the path", async () => {
      sim.reset();
      const m = await anthropic("/claude").messages.create({
        model: "claude-anything",
        max_tokens: 100,
        messages: [{ role: "user", content: "Say hello" }],
      });
      assert.equal(m.content[0]?.type === "text" ? m.content[0].text : "", REPLY);
      assert.equal(m.usage.output_tokens, CHUNKS);
      const seen = lastVertexCall();
      assert.equal(seen.path, `${CLAUDE}/claude-sonnet-4-5%4020250929:rawPredict`);
      assert.equal(seen.headers["x-api-key"], undefined, "the client's own key never goes upstream");
      let text = "";
      let output: number | undefined;
      for await (const ev of await anthropic("/claude").messages.create({
        model: "claude-anything",
        max_tokens: 100,
        messages: [{ role: "user", content: "Say hello" }],
        stream: true,
      })) {
        if (ev.type === "content_block_delta" && ev.delta.type === "text_delta") text += ev.delta.text;
        if (ev.type === "message_delta") output = ev.usage.output_tokens;
      }
      assert.equal(text, REPLY);
      assert.equal(output, CHUNKS);
      assert.equal(lastVertexCall().path, `${CLAUDE}/claude-sonnet-4-5%4020250929:streamRawPredict`);
    });
  });

  it("@google/genai: generateContent and a stream go to the google publisher unchanged", async () => {
    sim.reset();
    const ai = new GoogleGenAI({
      apiKey: "AIza-client-key",
      httpOptions: { baseUrl: `${world.base}/vertex` },
    });
    const r = await ai.models.generateContent({ model: "gemini-2.0-flash", contents: "Say hello" });
    assert.equal(r.text, REPLY);
    assert.equal(r.usageMetadata?.candidatesTokenCount, CHUNKS);
    const seen = lastVertexCall();
    assert.equal(seen.path, `${GOOGLE}/gemini-2.0-flash:generateContent`);
    assert.equal(seen.headers["x-goog-api-key"], undefined);
    let text = "";
    for await (const c of await ai.models.generateContentStream({
      model: "gemini-2.0-flash",
      contents: "hi",
    }))
      text += c.text ?? "";
    assert.equal(text, REPLY);
    assert.equal(lastVertexCall().path, `${GOOGLE}/gemini-2.0-flash:streamGenerateContent`);
  });

  it("a stream Vertex cuts midway ends with an error event in the client's own format", async () => {
    // everything the client got before the connection ended (a cut stream never ends cleanly)
    const read = async (res: Response): Promise<string> => {
      const reader = res.body?.getReader();
      assert.ok(reader);
      const decoder = new TextDecoder();
      let text = "";
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return text;
          text += decoder.decode(value, { stream: true });
        }
      } catch {
        return text;
      }
    };
    sim.injectFault({ kind: "cut", afterChunks: 2 }, { count: 1, pathPrefix: "/v1/projects/" });
    const claude = await read(
      await postJson(`${world.base}/claude/v1/messages`, {
        model: "claude-x",
        max_tokens: 32,
        stream: true,
        messages: [{ role: "user", content: "hello" }],
      }),
    );
    assert.match(claude, /event: content_block_delta/, "the events before the cut were relayed");
    assert.match(
      claude,
      /event: error\ndata: \{"type":"error","error":\{"type":"api_error","message":"The provider closed the response before it was complete"\}\}\n\n$/,
    );
    sim.injectFault({ kind: "cut", afterChunks: 2 }, { count: 1, pathPrefix: "/v1/projects/" });
    const gem = await read(
      await postJson(`${world.base}/vertex/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`, {
        contents: [{ parts: [{ text: "hello" }] }],
      }),
    );
    assert.match(gem, /"candidates"/);
    assert.match(gem, /data: \{"error":\{"code":502,/, "a Gemini-shaped error for the Gemini client");
  });

  it("a plain access token from a Secret is sent as is", async () => {
    sim.reset();
    const r = await openai("/bearer").chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(r.choices[0]?.message.content, REPLY);
    assert.equal(lastVertexCall().headers.authorization, `Bearer ${staticToken}`);
    assert.equal(sim.requests.filter((q) => q.path === "/token").length, 0);
  });

  it("usage is metered under gcp.vertex_ai for both publishers", async () => {
    const m = await world.metrics();
    const out = (model: string) =>
      metricSum(m, "gen_ai_client_token_usage_sum", {
        gen_ai_provider_name: "gcp.vertex_ai",
        gen_ai_token_type: "output",
        gen_ai_request_model: model,
      });
    assert.ok(out("gemini-2.5-flash") >= CHUNKS * 3, `gemini output tokens ${out("gemini-2.5-flash")}`);
    assert.ok(out("claude-sonnet-4-5@20250929") >= CHUNKS * 2, "claude output tokens");
  });

  it("the token is refreshed shortly before it expires, never used after", async () => {
    const ask = () =>
      openai("/short").chat.completions.create({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: "hi" }],
      });
    assert.equal((await ask()).choices[0]?.message.content, REPLY);
    assert.equal(shortSim.gcpTokensIssued(), 1);
    const first = lastVertexCall(shortSim).headers.authorization;
    await ask();
    assert.equal(shortSim.gcpTokensIssued(), 1, "still valid: reused");
    // a quarter of the lifetime before expiry (4.5 s into 6 s) the proxy fetches a new one
    await new Promise((r) => setTimeout(r, SHORT_TTL_S * 750 + 300));
    assert.equal((await ask()).choices[0]?.message.content, REPLY);
    assert.equal(shortSim.gcpTokensIssued(), 2, "refreshed");
    assert.notEqual(lastVertexCall(shortSim).headers.authorization, first);
    await new Promise((r) => setTimeout(r, SHORT_TTL_S * 1000));
    assert.equal((await ask()).choices[0]?.message.content, REPLY, "after expiry: a new token, no 401");
    assert.equal(shortSim.gcpTokensIssued(), 3);
    assert.equal(shortSim.requests.filter((q) => q.path.startsWith("/v1/projects/")).length, 4);
  });

  it("Vertex's 403 and 400 come back in the client's format; the message of a 403 is never passed on", async () => {
    const denied = await postJson(`${world.base}/denied/v1/chat/completions`, {
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(denied.status, 403);
    const text = await denied.text();
    bodies.push(text);
    const j = JSON.parse(text) as { error: { code: string; message: string } };
    assert.equal(j.error.code, "provider_error");
    assert.equal(j.error.message, "Authentication with the provider failed");
    const a = await postJson(
      `${world.base}/denied/v1/messages`,
      { model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] },
      { "anthropic-version": "2023-06-01" },
    );
    assert.equal(a.status, 403);
    const at = await a.text();
    bodies.push(at);
    assert.equal((JSON.parse(at) as { type: string }).type, "error");
    // the native Gemini shape checked by Vertex: an OpenAI body on the Gemini path is refused there
    const bad = await postJson(`${world.base}/vertex/v1beta/models/gemini-2.5-flash:generateContent`, {
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(bad.status, 400);
    const bt = await bad.text();
    bodies.push(bt);
    assert.match(bt, /contents/);
  });

  it("a key the token endpoint refuses: 502, Vertex never called, the reason logged without the key", async () => {
    sim.reset();
    const r = await postJson(`${world.base}/badkey/v1/chat/completions`, {
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(r.status, 502);
    const text = await r.text();
    bodies.push(text);
    assert.equal((JSON.parse(text) as { error: { code: string } }).error.code, "upstream_credential_failed");
    assert.equal(sim.requests.filter((q) => q.path.startsWith("/v1/projects/")).length, 0);
    assert.equal(sim.requests.filter((q) => q.path === "/token").length, 1);
    const logs = world.logs.join("");
    assert.match(logs, /token endpoint answered HTTP 400: invalid_grant/);
  });

  it("a provider whose key yields no token fails over to the next one", async () => {
    sim.reset();
    const r = await openai("/failover").chat.completions.create({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(r.choices[0]?.message.content, REPLY);
    assert.equal(sim.requests.filter((q) => q.path.startsWith("/v1/projects/")).length, 1);
  });

  it("a token Vertex refuses (401) is dropped: the next request gets a new one", async () => {
    const ask = () =>
      openai("/vertex").chat.completions.create({
        model: "gemini-2.5-flash",
        messages: [{ role: "user", content: "hi" }],
      });
    await ask();
    const before = sim.gcpTokensIssued();
    sim.revokeGcpTokens();
    // the route retries on 5xx/429 only: the client sees the 401 once, as the provider's refusal
    await assert.rejects(ask(), (e: unknown) => e instanceof OpenAI.APIError && e.status === 401);
    assert.equal((await ask()).choices[0]?.message.content, REPLY);
    assert.equal(sim.gcpTokensIssued() - before, 1, "one new token after the refusal");
  });

  it("an OpenAI Responses client reaches Vertex Gemini and Claude", async () => {
    for (const model of ["gemini-2.5-flash", "claude-sonnet-4-5@20250929"]) {
      const r = await openai("/vertex").responses.create({ model, input: "Say hello" });
      assert.equal(r.output_text, REPLY, model);
    }
  });

  it("an Anthropic client reaches Vertex Gemini (messages, count_tokens); a Gemini client is refused for Claude", async () => {
    sim.reset();
    const m = await anthropic("/vertex").messages.create({
      model: "gemini-2.5-flash",
      max_tokens: 100,
      messages: [{ role: "user", content: "Say hello" }],
    });
    assert.equal(m.content[0]?.type === "text" ? m.content[0].text : "", REPLY);
    assert.equal(lastVertexCall().path, `${GOOGLE}/gemini-2.5-flash:generateContent`);
    const count = await anthropic("/vertex").messages.countTokens({
      model: "gemini-2.5-flash",
      messages: [{ role: "user", content: "count these words please" }],
    });
    assert.ok(count.input_tokens > 0);
    const counted = lastVertexCall();
    assert.equal(counted.path, `${GOOGLE}/gemini-2.5-flash:countTokens`);
    assert.equal((counted.body as Record<string, unknown>).generateContentRequest, undefined);
    const embed = await postJson(`${world.base}/vertex/v1/embeddings`, {
      model: "text-embedding-005",
      input: "hi",
    });
    assert.equal(embed.status, 404, "Vertex embeddings are not served");
    bodies.push(await embed.text());
    const refused = await postJson(`${world.base}/claude/v1beta/models/any:generateContent`, {
      contents: [{ parts: [{ text: "hi" }] }],
    });
    assert.equal(refused.status, 404);
    bodies.push(await refused.text());
    assert.equal(sim.requests.filter((q) => q.path.startsWith("/v1/projects/")).length, 2);
  });

  it("neither the key nor a token appears in /metrics, /config_dump, logs or error bodies", async () => {
    const pemBody = (pem: string) =>
      pem
        .split("\n")
        .filter((l) => l !== "" && !l.startsWith("-----"))
        .map((l) => l.slice(0, 40));
    const secrets = [
      ...pemBody(sa.privateKeyPem),
      ...pemBody(unknown.privateKeyPem),
      staticToken,
      ...new Set(issuedTokens()),
    ];
    assert.ok(secrets.length > 20);
    const metrics = await world.metrics();
    const dump = await (await fetch(`${world.admin}/config_dump`)).text();
    assert.match(dump, /secret:ai\/vertex-sa#credentials.json/, "the key's source stays visible");
    const logs = world.logs.join("");
    assert.ok(bodies.length >= 4);
    for (const [where, text] of Object.entries({ metrics, dump, logs, bodies: bodies.join("\n") })) {
      for (const s of secrets) assert.ok(!text.includes(s), `${where} leaks a secret`);
    }
  });
});
