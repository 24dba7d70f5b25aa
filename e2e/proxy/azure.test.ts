// Azure's two API shapes and pathPrefix, through the proxy with the official openai SDK against the
// simulator (which refuses a v1 request without a model and a dated one without api-version):
// the v1 API (/openai/v1, model in the body), Azure AI Foundry (/api/projects/{p}/openai/v1), a
// dated deployment, and an OpenAI-compatible server under another base path.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { type ProxyWorld, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const KEY = "azure-e2e-key-0001";

describe("proxy: Azure v1, Foundry, dated deployments and pathPrefix", () => {
  let sim: Simulator;
  let world: ProxyWorld;

  before(async () => {
    sim = await startSimulator({ chunks: 3, requireKey: KEY });
    world = await startProxyWorld();
    const auth = (header: string, prefix = "") => ({
      mode: "inject" as const,
      header,
      prefix,
      credential: KEY,
      source: "inline",
    });
    const r = await world.apply(
      snapshot({
        backends: [
          backend("v1", [
            [provider(sim.url, "azureopenai", { azure: { apiVersion: "v1" }, auth: auth("api-key") })],
          ]),
          backend("v1-deployment", [
            [
              provider(sim.url, "azureopenai", {
                azure: { deploymentName: "gpt-4o-prod", apiVersion: "v1" },
                auth: auth("api-key"),
              }),
            ],
          ]),
          backend("foundry", [
            [
              provider(sim.url, "azureopenai", {
                model: "gpt-4o",
                azure: { apiVersion: "v1", basePath: "/api/projects/proj-1/openai/v1" },
                auth: auth("api-key"),
              }),
            ],
          ]),
          backend("dated", [
            [
              provider(sim.url, "azureopenai", {
                azure: { deploymentName: "gpt-4o-prod", apiVersion: "2024-10-21" },
                auth: auth("api-key"),
              }),
            ],
          ]),
          backend("prefixed", [
            [
              provider(sim.url, "openai", {
                pathPrefix: "/compat/v1",
                auth: auth("authorization", "Bearer "),
              }),
            ],
          ]),
        ],
        routes: ["v1", "v1-deployment", "foundry", "dated", "prefixed"].map((name) =>
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

  const client = (prefix: string) =>
    new OpenAI({ baseURL: `${world.base}/${prefix}/v1`, apiKey: "unused", maxRetries: 0 });

  it("v1: chat, stream, embeddings and responses on /openai/v1 with the request's model, no api-version", async () => {
    sim.reset();
    const chat = await client("v1").chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(chat.model, "gpt-4o-mini");
    let seen = sim.lastRequest();
    assert.equal(seen?.path, "/openai/v1/chat/completions");
    assert.equal(seen?.query["api-version"], undefined);
    assert.equal(seen?.headers["api-key"], KEY);
    const stream = await client("v1").chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
    });
    let text = "";
    for await (const c of stream) text += c.choices[0]?.delta.content ?? "";
    assert.ok(text.length > 0);
    const emb = await client("v1").embeddings.create({ model: "text-embedding-3-small", input: "x" });
    assert.equal(emb.data.length, 1);
    assert.equal(sim.lastRequest()?.path, "/openai/v1/embeddings");
    const resp = await client("v1").responses.create({ model: "gpt-4o-mini", input: "hi" });
    assert.equal(resp.status, "completed");
    seen = sim.lastRequest();
    assert.equal(seen?.path, "/openai/v1/responses");
  });

  it("v1 with a deploymentName: it is the model when the request sets none", async () => {
    sim.reset();
    const res = await fetch(`${world.base}/v1-deployment/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 200, await res.text());
    assert.equal((sim.lastRequest()?.body as { model?: string } | undefined)?.model, "gpt-4o-prod");
  });

  it("Foundry: /api/projects/{project}/openai/v1 with the provider's model", async () => {
    sim.reset();
    const r = await client("foundry").chat.completions.create({
      model: "anything",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(r.model, "gpt-4o");
    assert.equal(sim.lastRequest()?.path, "/api/projects/proj-1/openai/v1/chat/completions");
  });

  it("a dated api-version keeps the deployment path and the api-version query", async () => {
    sim.reset();
    const r = await client("dated").chat.completions.create({
      model: "ignored",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(r.model, "gpt-4o-prod");
    const seen = sim.lastRequest();
    assert.equal(seen?.path, "/openai/deployments/gpt-4o-prod/chat/completions");
    assert.equal(seen?.query["api-version"], "2024-10-21");
  });

  it("pathPrefix replaces /v1 for an OpenAI-compatible server mounted elsewhere", async () => {
    sim.reset();
    const res = await fetch(`${world.base}/prefixed/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }] }),
    });
    await res.body?.cancel();
    // the simulator serves /v1 only: its 404 proves the request went to the prefixed path
    assert.equal(sim.lastRequest()?.path, "/compat/v1/chat/completions");
    assert.equal(sim.lastRequest()?.headers.authorization, `Bearer ${KEY}`);
  });
});
