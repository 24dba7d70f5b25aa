// Spend control end to end through the real proxy, the provider simulator and a real redis-server:
// a 1,000-token daily budget refuses the right request (and never reaches the provider), a stream
// crossing its budget is cut with a final event, the official openai SDK retries a rate limit but
// not insufficient_quota, two proxies sharing Redis enforce one budget under concurrency, the spent
// amount survives a proxy restart, and a stopped Redis fails budgets closed and rate limits open.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { type RedisServer, startRedis } from "../../gateway/src/policy/redis-server.ts";
import type { PolicyConfig, RouteConfig } from "../../gateway/src/snapshot/schema.ts";
import { metricSum, type ProxyWorld, postJson, startProxyWorld } from "../proxy/harness.ts";
import { backend, clientAuth, provider, route, snapshot } from "../proxy/snapshot-builder.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";

const KEYS = { alice: "gw-alice", bob: "gw-bob", carol: "gw-carol", dave: "gw-dave" };

function limit(
  id: string,
  cls: "rateLimit" | "budget",
  unit: "requests" | "tokens",
  value: number,
  window: PolicyConfig["limits"][number]["window"],
): PolicyConfig["limits"][number] {
  return { id, class: cls, unit, tokenType: "Total", limit: value, window, key: { type: "ClientKey" } };
}

function policy(
  ref: string,
  routes: RouteConfig[],
  limits: PolicyConfig["limits"],
  counters: "Local" | "Global" = "Local",
): PolicyConfig {
  return {
    ref,
    routes: routes.map((r) => r.id),
    counters,
    failOpen: { rateLimits: true, budgets: false },
    limits,
    prices: [],
  };
}

function world(sim: Simulator, policies: (routes: RouteConfig[]) => PolicyConfig[]) {
  const routes = [route("chat", ["openai"], { clientAuth: clientAuth(KEYS) })];
  const snap = snapshot({ routes, backends: [backend("openai", [[provider(sim.url, "openai")]])] });
  return { ...snap, policies: policies(routes) };
}

const ask = (w: ProxyWorld, key: string, extra: Record<string, unknown> = {}) =>
  postJson(
    `${w.base}/v1/chat/completions`,
    { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }], ...extra },
    { authorization: `Bearer ${key}` },
  );

describe("policy: budgets and rate limits", () => {
  let sim: Simulator;
  let redis: RedisServer;
  const worlds: ProxyWorld[] = [];

  before(async () => {
    // every answer: 300 output tokens (words), streamed quickly
    sim = await startSimulator({ chunks: 300, ttftMs: 0, interTokenMs: 0 });
    redis = await startRedis();
  });
  after(async () => {
    for (const w of worlds) await w.close();
    await sim?.close();
    await redis?.stop();
  });

  async function start(opts: Parameters<typeof startProxyWorld>[0] = {}) {
    const w = await startProxyWorld(opts);
    worlds.push(w);
    return w;
  }

  it("a 1,000-token daily budget refuses the 4th request of ~300 tokens, before the provider", async () => {
    const w = await start();
    await w.apply(
      world(sim, (r) => [
        policy("ai/daily", r, [limit("ai/daily/budget/0", "budget", "tokens", 1000, "Day")]),
      ]),
    );
    const before = sim.requests.length;
    for (let i = 0; i < 3; i++) {
      const res = await ask(w, KEYS.alice, { max_tokens: 300 });
      assert.equal(res.status, 200, `request ${i + 1}`);
      await res.json();
    }
    const refused = await ask(w, KEYS.alice, { max_tokens: 300 });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get("x-should-retry"), "false");
    const body = (await refused.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, "insufficient_quota");
    assert.equal(body.error.type, "insufficient_quota");
    assert.ok(!body.error.message.includes(KEYS.alice), "no key value in the error");
    assert.equal(sim.requests.length - before, 3, "the refused request never reached the provider");
    // another key has its own budget
    assert.equal((await ask(w, KEYS.bob, { max_tokens: 300 })).status, 200);
    const m = await w.metrics();
    assert.equal(metricSum(m, "ai_gateway_policy_refused_total", { key: "alice", class: "budget" }), 1);
    assert.ok(!m.includes(KEYS.alice), "no key value in metrics");
    // settled spend is the provider's usage: 3 × (300 output + input)
    const spent = metricSum(m, "ai_gateway_policy_spent_total", { key: "alice" });
    assert.ok(spent >= 903 && spent <= 1000, `spent ${spent}`);
  });

  it("a stream crossing its budget is cut with a final insufficient_quota event", async () => {
    const w = await start();
    // 300 tokens: the reservation (input + 256 default output) fits, the 300-word answer does not
    await w.apply(
      world(sim, (r) => [
        policy("ai/small", r, [limit("ai/small/budget/0", "budget", "tokens", 300, "Day")]),
      ]),
    );
    const res = await ask(w, KEYS.carol, { stream: true });
    assert.equal(res.status, 200);
    // like the kill switch: a final error event, then the connection ends (no clean finish)
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
      // terminated: expected
    }
    assert.match(text, /insufficient_quota/);
    assert.ok(!text.includes("[DONE]"), "the stream did not finish normally");
    const words = (text.match(/"content":"[^"]+"/g) ?? []).length;
    assert.ok(words > 200 && words < 300, `cut after ${words} chunks`);
    // the next request of that key is refused at once
    assert.equal((await ask(w, KEYS.carol)).status, 429);
  });

  it("the official openai SDK retries rate_limit_exceeded after Retry-After, and gives up on insufficient_quota", async () => {
    const w = await start();
    await w.apply(
      world(sim, (r) => [
        policy("ai/rl", r, [limit("ai/rl/rateLimit/0", "rateLimit", "requests", 1, "Second")]),
        policy("ai/zero", [], []),
      ]),
    );
    const client = new OpenAI({ apiKey: KEYS.dave, baseURL: `${w.base}/v1`, maxRetries: 3 });
    const first = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "a" }],
    });
    assert.ok(first.choices[0]);
    const t0 = Date.now();
    const second = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "b" }],
    });
    assert.ok(second.choices[0], "the SDK retried after the window reset");
    const m1 = await w.metrics();
    assert.ok(metricSum(m1, "ai_gateway_policy_refused_total", { key: "dave" }) >= 1, "a 429 was answered");
    assert.ok(Date.now() - t0 < 10_000);

    // a budget of 0: insufficient_quota, no retries
    await w.apply(
      world(sim, (r) => [policy("ai/none", r, [limit("ai/none/budget/0", "budget", "tokens", 0, "Month")])]),
    );
    await assert.rejects(
      client.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "c" }] }),
      (err: unknown) =>
        err instanceof OpenAI.RateLimitError && (err as { code?: string }).code === "insufficient_quota",
    );
    const m2 = await w.metrics();
    assert.equal(
      metricSum(m2, "ai_gateway_policy_refused_total", { limit: "ai/none/budget/0" }),
      1,
      "exactly one attempt",
    );
  });

  it("two proxies sharing Redis enforce one global budget; a restart keeps the spent amount; Redis down fails per policy", async () => {
    const redisOpts = { redis: { url: redis.url, password: redis.password } };
    const a = await start(redisOpts);
    const b = await start(redisOpts);
    const budget = 1000;
    const snap = world(sim, (r) => [
      policy("ai/global", r, [limit("ai/global/budget/0", "budget", "tokens", budget, "Day")], "Global"),
    ]);
    await a.apply(snap);
    await b.apply(snap);
    // each request reserves its estimate (≈ 4 input + 20 allowed output) before it is sent and
    // settles with the provider's usage (the simulator honours max_tokens, like the providers)
    const reservation = 24;
    const shots = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        ask(i % 2 ? a : b, KEYS.alice, { max_tokens: 20 }).then(async (r) => {
          const body = (await r.json()) as { usage?: { total_tokens: number } };
          return { status: r.status, tokens: body.usage?.total_tokens ?? 0 };
        }),
      ),
    );
    const ok = shots.filter((s) => s.status === 200).length;
    const refused = shots.filter((s) => s.status === 429).length;
    assert.equal(ok + refused, 300, `statuses ${[...new Set(shots.map((s) => s.status))]}`);
    // the bound: what both replicas spent together stays within one reservation of the limit
    const total = shots.reduce((n, s) => n + s.tokens, 0);
    assert.ok(total <= budget + reservation, `spent ${total} of ${budget} over ${ok} admitted requests`);
    assert.ok(total >= budget * 0.9, `the budget was used: ${total}`);
    const spentA = metricSum(await a.metrics(), "ai_gateway_policy_spent_total", { key: "alice" });
    const spentB = metricSum(await b.metrics(), "ai_gateway_policy_spent_total", { key: "alice" });
    assert.ok(spentA > 0 && spentB > 0, "both replicas served");
    assert.equal(spentA + spentB, total, "the metrics count what the provider reported");
    console.log(`two replicas, one Redis budget of ${budget}: ${ok} admitted, ${total} tokens spent`);

    // restart: a new proxy on the same Redis still sees the budget spent
    await a.close();
    worlds.splice(worlds.indexOf(a), 1);
    const c = await start(redisOpts);
    await c.apply(snap);
    assert.equal((await ask(c, KEYS.alice, { max_tokens: 20 })).status, 429);

    // Redis stopped: the budget fails closed (503), a rate limit fails open
    await redis.stop();
    const down = await ask(c, KEYS.bob, { max_tokens: 20 });
    assert.equal(down.status, 503);
    assert.equal(((await down.json()) as { error: { code: string } }).error.code, "limit_store_unavailable");
    await c.apply(
      world(sim, (r) => [
        policy(
          "ai/rl-global",
          r,
          [limit("ai/rl-global/rateLimit/0", "rateLimit", "requests", 5, "Minute")],
          "Global",
        ),
      ]),
    );
    assert.equal((await ask(c, KEYS.bob, { max_tokens: 20 })).status, 200);
    const m = await c.metrics();
    assert.ok(metricSum(m, "ai_gateway_policy_store_errors_total", { outcome: "closed" }) >= 1);
    assert.ok(metricSum(m, "ai_gateway_policy_store_errors_total", { outcome: "open" }) >= 1);
  });
});
