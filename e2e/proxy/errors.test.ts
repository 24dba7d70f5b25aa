// Gateway-made errors and client keys: body too large, bad JSON, no route, gateway keys (401 body
// exact, key never forwarded, /health open), provider rejections as provider_error, readiness, and
// secrets never in /metrics, /config_dump, logs or error bodies.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, clientAuth, provider, route, sha256Hex, snapshot } from "./snapshot-builder.ts";

const PROVIDER_KEY = "sk-provider-secret-7f3a9c";
const WRONG_PROVIDER_KEY = "sk-provider-stale-0b1e22";
const GATEWAY_KEY_1 = "gw-team-a-5d8e1f";
const ROUTE_KEY = "gw-route-only-9a7c3b";
const MAX_BODY = 4096;
const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };
const AUTH_401 = {
  error: { message: "Invalid authentication", type: "authentication_error", code: "authentication_error" },
};

describe("proxy: gateway errors, client keys and secrets", () => {
  let sim: Simulator;
  let world: ProxyWorld;
  const bodies: string[] = [];

  const inject = (credential: string) =>
    ({
      mode: "inject",
      header: "Authorization",
      prefix: "Bearer ",
      credential,
      source: "secret:ai/openai#apiKey",
    }) as const;

  before(async () => {
    sim = await startSimulator({ chunks: 3, requireKey: PROVIDER_KEY });
    world = await startProxyWorld({ maxBodyBytes: MAX_BODY });
  });
  after(async () => {
    await world?.close();
    await sim?.close();
  });

  async function record(res: Response): Promise<string> {
    const text = await res.text();
    bodies.push(text);
    return text;
  }

  it("before any snapshot: /ready is 503, /health is 200, /config_dump says so", async () => {
    assert.equal((await fetch(`${world.admin}/ready`)).status, 503);
    assert.equal((await fetch(`${world.admin}/health`)).status, 200);
    const dump = await fetch(`${world.admin}/config_dump`);
    assert.equal(dump.status, 503);
    assert.equal(((await dump.json()) as { error: { code: string } }).error.code, "no_snapshot");
  });

  it("applies a snapshot with gateway keys", async () => {
    const r = await world.apply(
      snapshot({
        backends: [
          backend("good", [[provider(sim.url, "openai", { auth: inject(PROVIDER_KEY) })]]),
          backend("stale", [[provider(sim.url, "openai", { auth: inject(WRONG_PROVIDER_KEY) })]]),
        ],
        routes: [
          route("stale", ["stale"], { match: { path: { type: "PathPrefix", value: "/stale" } } }),
          route("own-keys", ["good"], {
            match: { path: { type: "PathPrefix", value: "/own-keys" } },
            clientAuth: clientAuth({ route: ROUTE_KEY }),
          }),
          route("chat", ["good"], { match: { path: { type: "PathPrefix", value: "/v1" } } }),
        ],
        clientAuth: clientAuth({ teamA: GATEWAY_KEY_1 }),
      }),
    );
    assert.equal(r.accepted, true, r.reason);
    const ready = await fetch(`${world.admin}/ready`);
    assert.equal(ready.status, 200);
  });

  it("missing, malformed and unknown gateway keys get the exact 401 body", async () => {
    const attempts: Record<string, string>[] = [
      {},
      { authorization: "Basic dXNlcjpwYXNz" },
      { authorization: "Bearer nope" },
    ];
    for (const headers of attempts) {
      const res = await postJson(`${world.base}/v1/chat/completions`, CHAT, headers);
      assert.equal(res.status, 401);
      assert.deepEqual(JSON.parse(await record(res)), AUTH_401);
    }
    assert.equal(sim.requests.length, 0, "nothing reached the provider");
  });

  it("an accepted key passes and is never forwarded; the provider key is injected", async () => {
    sim.reset();
    const client = new OpenAI({ baseURL: `${world.base}/v1`, apiKey: GATEWAY_KEY_1, maxRetries: 0 });
    const r = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
    });
    assert.ok(r.choices[0]?.message.content);
    const rec = sim.lastRequest();
    assert.equal(rec?.headers.authorization, `Bearer ${PROVIDER_KEY}`);
    assert.ok(!JSON.stringify(rec).includes(GATEWAY_KEY_1));
  });

  it("a route's own keys override the Gateway's", async () => {
    const withGatewayKey = await postJson(`${world.base}/own-keys/v1/chat/completions`, CHAT, {
      authorization: `Bearer ${GATEWAY_KEY_1}`,
    });
    assert.equal(withGatewayKey.status, 401);
    await record(withGatewayKey);
    const withRouteKey = await postJson(`${world.base}/own-keys/v1/chat/completions`, CHAT, {
      authorization: `Bearer ${ROUTE_KEY}`,
    });
    assert.equal(withRouteKey.status, 200);
    await withRouteKey.text();
  });

  it("/health on a listener stays open without a key", async () => {
    const res = await fetch(`${world.base}/health`);
    assert.equal(res.status, 200);
    await res.text();
  });

  const auth = { authorization: `Bearer ${GATEWAY_KEY_1}` };

  it("a body over --max-body-bytes gets 413 request_too_large", async () => {
    sim.reset();
    const big = { ...CHAT, messages: [{ role: "user", content: "x".repeat(MAX_BODY) }] };
    const res = await postJson(`${world.base}/v1/chat/completions`, big, auth);
    assert.equal(res.status, 413);
    assert.deepEqual(JSON.parse(await record(res)), {
      error: {
        message: "Request body is larger than the gateway accepts",
        type: "invalid_request_error",
        code: "request_too_large",
      },
    });
    assert.equal(sim.requests.length, 0);
  });

  it("bad JSON gets 400 invalid_json", async () => {
    const res = await postJson(`${world.base}/v1/chat/completions`, '{"model": "gpt-4o-mini", ', auth);
    assert.equal(res.status, 400);
    assert.equal((JSON.parse(await record(res)) as { error: { code: string } }).error.code, "invalid_json");
  });

  it("no matching route gets 404 route_not_found", async () => {
    const res = await postJson(`${world.base}/nowhere`, CHAT, auth);
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(await record(res)), {
      error: { message: "No route matches this request", type: "not_found_error", code: "route_not_found" },
    });
  });

  it("a provider rejecting its key surfaces as 401 provider_error without the key", async () => {
    const res = await postJson(`${world.base}/stale/v1/chat/completions`, CHAT, auth);
    assert.equal(res.status, 401);
    const body = JSON.parse(await record(res)) as { error: { type: string; code: string } };
    assert.equal(body.error.type, "provider_error");
    assert.equal(body.error.code, "provider_error");
    const text = await world.metrics();
    assert.ok(metricSum(text, "ai_gateway_requests_total", { status: "401", reason: "provider_error" }) >= 1);
    assert.ok(
      metricSum(text, "ai_gateway_requests_total", { status: "401", reason: "authentication_error" }) >= 3,
    );
  });

  it("a rejected snapshot keeps the last good one serving", async () => {
    const r = await world.apply({ schemaVersion: 99, version: 1000 });
    assert.equal(r.accepted, false);
    assert.match(r.reason ?? "", /schemaVersion/);
    const res = await postJson(`${world.base}/v1/chat/completions`, CHAT, auth);
    assert.equal(res.status, 200);
    await res.text();
    assert.ok(
      metricSum(await world.metrics(), "ai_gateway_snapshot_reloads_total", { result: "rejected" }) >= 1,
    );
  });

  it("no secret appears in /metrics, /config_dump, logs or error bodies", async () => {
    const secrets = [
      PROVIDER_KEY,
      WRONG_PROVIDER_KEY,
      GATEWAY_KEY_1,
      ROUTE_KEY,
      sha256Hex(GATEWAY_KEY_1),
      sha256Hex(ROUTE_KEY),
    ];
    const metrics = await world.metrics();
    const dump = await (await fetch(`${world.admin}/config_dump`)).text();
    assert.match(dump, /\[REDACTED\]/);
    assert.match(dump, /secret:ai\/openai#apiKey/, "the credential's source stays visible");
    const logs = world.logs.join("");
    assert.ok(logs.length > 0, "logs were captured");
    assert.ok(bodies.length >= 8, "error bodies were collected");
    for (const [where, text] of Object.entries({ metrics, dump, logs, bodies: bodies.join("\n") })) {
      for (const s of secrets) assert.ok(!text.includes(s), `${where} leaks a secret`);
    }
  });
});
