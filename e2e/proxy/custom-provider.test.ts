// A custom provider (spec.ai.provider.custom) end to end, the official openai and Anthropic SDKs as
// clients against the simulator: listed formats pass through to their paths (Completions at a
// custom path, Messages, Embeddings), the provider's model overrides the request's, a request in an
// unlisted format is translated to a listed one when the gateway can (chat -> Anthropic messages,
// Anthropic messages -> chat), else a 404 OpenAI-style error before any upstream call.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { type ProxyWorld, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const KEY = "sk-custom-e2e-0001";
const msg = [{ role: "user" as const, content: "hi" }];
const bearer = {
  mode: "inject" as const,
  header: "Authorization",
  prefix: "Bearer ",
  credential: KEY,
  source: "inline",
};

describe("proxy: custom providers by API format", () => {
  let sim: Simulator;
  let world: ProxyWorld;

  before(async () => {
    // a self-hosted server that also serves its API under /compat (a vLLM-style mount)
    sim = await startSimulator({ chunks: 3, requireKey: KEY, basePath: "/compat" });
    world = await startProxyWorld();
    const r = await world.apply(
      snapshot({
        backends: [
          // what the operator makes of formats [Completions at /compat/v1/chat/completions, Embeddings]
          backend("openai-like", [
            [
              provider(sim.url, "openai", {
                model: "gpt-oss-20b",
                auth: bearer,
                custom: {
                  formats: [
                    { type: "Completions", path: "/compat/v1/chat/completions" },
                    { type: "Embeddings" },
                  ],
                },
              }),
            ],
          ]),
          // formats [Messages] only: kind anthropic
          backend("messages-only", [
            [provider(sim.url, "anthropic", { auth: bearer, custom: { formats: [{ type: "Messages" }] } })],
          ]),
        ],
        routes: ["openai-like", "messages-only"].map((name) =>
          route(name, [name], { match: { path: { type: "PathPrefix", value: `/${name}` } } }),
        ),
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await sim?.close();
  });

  const openai = (prefix: string) =>
    new OpenAI({ baseURL: `${world.base}/${prefix}/v1`, apiKey: "unused", maxRetries: 0 });
  const anthropic = (prefix: string) =>
    new Anthropic({ baseURL: `${world.base}/${prefix}`, apiKey: "unused", maxRetries: 0 });

  it("a listed format goes to its path with the provider's model; embeddings too", async () => {
    sim.reset();
    const chat = await openai("openai-like").chat.completions.create({ model: "whatever", messages: msg });
    assert.equal(chat.model, "gpt-oss-20b");
    let seen = sim.lastRequest();
    assert.equal(seen?.path, "/compat/v1/chat/completions");
    assert.equal(seen?.headers.authorization, `Bearer ${KEY}`);
    assert.equal((seen?.body as { model?: string } | undefined)?.model, "gpt-oss-20b");
    const emb = await openai("openai-like").embeddings.create({ model: "e", input: "x" });
    assert.equal(emb.data.length, 1);
    seen = sim.lastRequest();
    assert.equal(seen?.path, "/v1/embeddings");
  });

  it("Anthropic messages to a Completions-only provider are translated to chat", async () => {
    sim.reset();
    const m = await anthropic("openai-like").messages.create({ model: "x", max_tokens: 16, messages: msg });
    assert.equal(m.type, "message");
    assert.ok(m.content.length > 0);
    assert.equal(sim.lastRequest()?.path, "/compat/v1/chat/completions");
    sim.reset();
    const count = await anthropic("openai-like").messages.countTokens({ model: "x", messages: msg });
    assert.ok(count.input_tokens > 0, "count_tokens answered from an estimate");
    assert.equal(sim.requests.length, 0);
  });

  it("chat to a Messages-only provider is translated to Anthropic messages; its own format passes", async () => {
    sim.reset();
    const chat = await openai("messages-only").chat.completions.create({ model: "claude-x", messages: msg });
    assert.equal(chat.object, "chat.completion");
    assert.equal(sim.lastRequest()?.path, "/v1/messages");
    const m = await anthropic("messages-only").messages.create({
      model: "claude-x",
      max_tokens: 16,
      messages: msg,
    });
    assert.equal(m.type, "message");
    assert.equal(sim.lastRequest()?.headers.authorization, `Bearer ${KEY}`);
  });

  it("a format the provider does not speak and cannot be translated to: 404, no upstream call", async () => {
    sim.reset();
    for (const [prefix, call] of [
      ["openai-like", () => openai("openai-like").responses.create({ model: "m", input: "hi" })],
      ["messages-only", () => openai("messages-only").embeddings.create({ model: "e", input: "x" })],
    ] as const) {
      const err = await call().catch((e: unknown) => e);
      assert.ok(err instanceof OpenAI.NotFoundError, `${prefix}: ${String(err)}`);
      assert.match(err.message, /not served by this backend: its provider speaks/);
    }
    assert.equal(sim.requests.length, 0);
  });
});
