// A backend's policies.ai through the proxy, with the official SDKs against the simulator (which
// refuses fields its provider would refuse, so a policy that produced a wrong body fails here):
// model aliases, defaults, overrides and prompt enrichment in the client's format, before any
// translation to the provider's.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { type ProxyWorld, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const AI = {
  prepend: [{ role: "system" as const, content: "Answer in French." }],
  append: [{ role: "user" as const, content: "Be brief." }],
  defaults: [{ field: "temperature", value: 0.2 }],
  overrides: [{ field: "max_tokens", value: 64 }],
  modelAliases: { fast: "gpt-4o-mini", smart: "claude-haiku-4-5" },
};

describe("proxy: a backend's policies.ai (aliases, defaults, overrides, prompt)", () => {
  let sim: Simulator;
  let world: ProxyWorld;

  before(async () => {
    sim = await startSimulator({ chunks: 3 });
    world = await startProxyWorld();
    const r = await world.apply(
      snapshot({
        backends: [
          backend("gpt", [[provider(sim.url, "openai", { ai: AI })]]),
          backend("claude", [[provider(sim.url, "anthropic", { ai: AI })]]),
        ],
        routes: [
          route("gpt", ["gpt"], { match: { path: { type: "PathPrefix", value: "/gpt" } } }),
          route("claude", ["claude"], { match: { path: { type: "PathPrefix", value: "/claude" } } }),
        ],
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await sim?.close();
  });

  it("openai SDK -> OpenAI: the alias picks the model, defaults fill, overrides win, messages wrap the client's", async () => {
    sim.reset();
    const client = new OpenAI({ baseURL: `${world.base}/gpt/v1`, apiKey: "unused", maxRetries: 0 });
    const r = await client.chat.completions.create({
      model: "fast",
      max_tokens: 4000,
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.equal(r.model, "gpt-4o-mini");
    const sent = sim.lastRequest()?.body as Record<string, unknown>;
    assert.equal(sent.model, "gpt-4o-mini");
    assert.equal(sent.temperature, 0.2);
    assert.equal(sent.max_tokens, 64);
    assert.deepEqual(sent.messages, [
      { role: "system", content: "Answer in French." },
      { role: "user", content: "Hi" },
      { role: "user", content: "Be brief." },
    ]);
  });

  it("openai SDK streaming keeps streaming (stream is the client's, never a policy field)", async () => {
    sim.reset();
    const client = new OpenAI({ baseURL: `${world.base}/gpt/v1`, apiKey: "unused", maxRetries: 0 });
    const stream = await client.chat.completions.create({
      model: "fast",
      messages: [{ role: "user", content: "Hi" }],
      stream: true,
    });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    assert.ok(text.length > 0);
    assert.equal((sim.lastRequest()?.body as { stream?: boolean } | undefined)?.stream, true);
  });

  it("@anthropic-ai/sdk -> Anthropic: system text joins `system`", async () => {
    sim.reset();
    const client = new Anthropic({ baseURL: `${world.base}/claude`, apiKey: "unused", maxRetries: 0 });
    const m = await client.messages.create({
      model: "smart",
      max_tokens: 500,
      system: "Be kind.",
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.equal(m.stop_reason, "end_turn");
    const sent = sim.lastRequest()?.body as Record<string, unknown>;
    assert.equal(sent.model, "claude-haiku-4-5");
    assert.equal(sent.system, "Answer in French.\nBe kind.");
    assert.equal(sent.max_tokens, 64);
  });

  it("openai SDK -> Anthropic backend: the policy applies in the client's format, then the request is translated", async () => {
    sim.reset();
    const client = new OpenAI({ baseURL: `${world.base}/claude/v1`, apiKey: "unused", maxRetries: 0 });
    await client.chat.completions.create({ model: "smart", messages: [{ role: "user", content: "Hi" }] });
    const sent = sim.lastRequest()?.body as Record<string, unknown>;
    assert.equal(sim.lastRequest()?.path, "/v1/messages");
    assert.equal(sent.system, "Answer in French.");
    assert.equal(sent.max_tokens, 64);
    assert.equal(sent.temperature, 0.2);
    assert.deepEqual(sent.messages, [
      {
        role: "user",
        content: [
          { type: "text", text: "Hi" },
          { type: "text", text: "Be brief." },
        ],
      },
    ]);
  });
});
