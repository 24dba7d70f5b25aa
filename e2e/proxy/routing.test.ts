// Route matching end to end: the seed's HTTPRoute on /openai with URLRewrite, model globs choosing
// the backend, hostnames choosing the route, a listener on a second Gateway port, and routes
// that appear and disappear with the listeners they attach to.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { LOOPBACK, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, HTTP_LISTENER, provider, route, snapshot } from "./snapshot-builder.ts";

/** POST with an explicit Host header (fetch does not let a caller set it). */
function postWithHost(
  port: number,
  host: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = http.request(
      {
        host: LOOPBACK,
        port,
        path,
        method: "POST",
        headers: { host, "content-type": "application/json", "content-length": Buffer.byteLength(data) },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => {
          text += c.toString();
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
}

describe("proxy: routing", () => {
  let openaiSim: Simulator;
  let anthropicSim: Simulator;
  let world: ProxyWorld;

  before(async () => {
    openaiSim = await startSimulator({ chunks: 2 });
    anthropicSim = await startSimulator({ chunks: 2 });
    world = await startProxyWorld();
    const r = await world.apply(
      snapshot({
        listeners: [HTTP_LISTENER, { name: "internal", port: 8080, protocol: "HTTP" }],
        backends: [
          backend("openai", [[provider(openaiSim.url, "openai", { model: "gpt-4o-mini" })]]),
          backend("anthropic", [[provider(anthropicSim.url, "anthropic")]]),
        ],
        routes: [
          {
            ...route("seed", ["openai"], {
              match: { path: { type: "PathPrefix", value: "/openai" } },
              rewrite: { type: "ReplaceFullPath", value: "/v1/chat/completions" },
            }),
            id: "HTTPRoute/ai/seed/0",
            kind: "HTTPRoute",
          },
          route("api-host", ["anthropic"], {
            hostnames: ["api.example.com"],
            match: { path: { type: "PathPrefix", value: "/v1" } },
          }),
          route("claude", ["anthropic"], {
            match: { path: { type: "PathPrefix", value: "/v1" }, model: "claude-*" },
          }),
          route("gpt", ["openai"], { match: { path: { type: "PathPrefix", value: "/v1" }, model: "gpt-*" } }),
          route("internal", ["openai"], { listeners: ["internal"] }),
        ],
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await openaiSim?.close();
    await anthropicSim?.close();
  });

  it("the seed's HTTPRoute: /openai rewritten to the chat completions endpoint", async () => {
    openaiSim.reset();
    const res = await postJson(`${world.base}/openai`, {
      model: "gpt-3.5-turbo",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { model: string };
    assert.equal(body.model, "gpt-4o-mini");
    assert.equal(openaiSim.lastRequest()?.path, "/v1/chat/completions");
  });

  it("model globs pick the backend from the body's model", async () => {
    anthropicSim.reset();
    openaiSim.reset();
    const claude = await postJson(`${world.base}/v1/messages`, {
      model: "claude-3-5-haiku-latest",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(claude.status, 200);
    await claude.text();
    assert.equal(anthropicSim.requests.length, 1);
    const gpt = await postJson(`${world.base}/v1/chat/completions`, {
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(gpt.status, 200);
    await gpt.text();
    assert.equal(openaiSim.requests.length, 1);
    const none = await postJson(`${world.base}/v1/chat/completions`, { model: "llama-3", messages: [] });
    assert.equal(none.status, 404);
    assert.equal(((await none.json()) as { error: { code: string } }).error.code, "route_not_found");
  });

  it("a route's hostname wins for its host, and only there", async () => {
    anthropicSim.reset();
    const port = world.proxy.listenerPort("http");
    assert.ok(port);
    const viaHost = await postWithHost(port, "api.example.com", "/v1/messages", {
      model: "gpt-4o",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(viaHost.status, 200, viaHost.body);
    assert.equal(anthropicSim.requests.length, 1, "the hostname route took it despite the gpt model");
    const otherHost = await postWithHost(port, "other.example.com", "/v1/messages", {
      model: "claude-3-5-haiku-latest",
      max_tokens: 8,
      messages: [{ role: "user", content: "hi" }],
    });
    assert.equal(otherHost.status, 200);
    assert.equal(anthropicSim.requests.length, 2, "other hosts fall to the routes without hostnames");
  });

  it("a second Gateway port serves only the routes attached to its listener", async () => {
    const port = world.proxy.listenerPort(8080);
    assert.ok(port);
    assert.equal(world.proxy.listenerPort("internal"), port);
    const chat = { model: "x", messages: [{ role: "user", content: "hi" }] };
    const res = await postJson(`http://${LOOPBACK}:${port}/anything`, chat);
    assert.equal(res.status, 200);
    await res.text();
    const seedOnInternal = await postJson(`http://${LOOPBACK}:${port}/openai`, chat);
    assert.equal(seedOnInternal.status, 200, "the internal listener's catch-all, not the seed route");
    await seedOnInternal.text();
  });

  it("a listener removed from the snapshot closes its port", async () => {
    const port = world.proxy.listenerPort(8080);
    assert.ok(port);
    const r = await world.apply(
      snapshot({
        backends: [backend("openai", [[provider(openaiSim.url, "openai")]])],
        routes: [route("chat", ["openai"])],
      }),
    );
    assert.equal(r.accepted, true, r.reason);
    assert.equal(world.proxy.listenerPort(8080), undefined);
    await assert.rejects(fetch(`http://${LOOPBACK}:${port}/v1/models`));
  });
});
