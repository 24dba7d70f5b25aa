import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { GatewayError } from "../errors.ts";
import type { LimitConfig, PolicyConfig, RouteConfig } from "../snapshot/schema.ts";
import { type AdmitInput, PolicyEngine } from "./engine.ts";
import { createPolicyMetrics } from "./metrics.ts";
import { type CounterStore, LocalCounterStore } from "./store.ts";

const route = { id: "AIRoute/ai/chat/0", kind: "AIRoute", namespace: "ai", name: "chat" } as RouteConfig;
const NOW = Date.parse("2026-11-28T12:00:30Z");

function lim(over: Partial<LimitConfig>): LimitConfig {
  return {
    id: "ai/p/budget/0",
    class: "budget",
    unit: "tokens",
    tokenType: "Total",
    limit: 100,
    window: "Day",
    key: { type: "ClientKey" },
    ...over,
  };
}
function pol(limits: LimitConfig[], over: Partial<PolicyConfig> = {}): PolicyConfig {
  return {
    ref: "ai/p",
    routes: [route.id],
    counters: "Local",
    failOpen: { rateLimits: true, budgets: false },
    limits,
    prices: [],
    ...over,
  };
}
function input(policies: PolicyConfig[], over: Partial<AdmitInput> = {}): AdmitInput {
  return {
    policies,
    route,
    clientKeyId: "alice",
    header: (n) => (n === "x-team" ? "blue" : undefined),
    body: { model: "gpt-4o-mini", max_tokens: 40, messages: [{ role: "user", content: "Hello world" }] },
    provider: "openai",
    model: "gpt-4o-mini",
    format: "openai",
    ...over,
  };
}
function engine(global?: CounterStore) {
  return new PolicyEngine({
    local: new LocalCounterStore(() => NOW),
    global,
    metrics: createPolicyMetrics(new Registry()),
    now: () => NOW,
  });
}

test("no applicable policy: no grant", async () => {
  assert.equal(await engine().admit(input([pol([lim({})], { routes: ["other"] })])), undefined);
});

test("reserve 45 (5 in + 40 out), settle to the reported 20: the next 45 fits, refusal after", async () => {
  const e = engine();
  const policies = [pol([lim({})])];
  const g = await e.admit(input(policies));
  assert.ok(g);
  await g.settle({ inputTokens: 5, outputTokens: 15 }, true, false);
  const g2 = await e.admit(input(policies)); // 20 + 45 = 65
  await g2?.settle({}, true, false); // usage unknown: the reservation stands → 65
  await assert.rejects(e.admit(input(policies)), (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, "insufficient_quota");
    assert.equal(err.status, 429);
    assert.equal(err.headers["x-should-retry"], "false");
    return true;
  });
  // another key has its own counter
  assert.ok(await e.admit(input(policies, { clientKeyId: "bob" })));
});

test("a failed request without usage gives its tokens back; requests still count once forwarded", async () => {
  const e = engine();
  const policies = [
    pol([
      lim({ limit: 100 }),
      lim({ id: "ai/p/rateLimit/0", class: "rateLimit", unit: "requests", limit: 2, window: "Minute" }),
    ]),
  ];
  const g = await e.admit(input(policies));
  await g?.settle({}, true, true);
  const g2 = await e.admit(input(policies));
  assert.equal(g2?.headers["x-ratelimit-remaining-requests"], "0");
  await g2?.settle({}, false, true); // never forwarded: the request is given back too
  const g3 = await e.admit(input(policies));
  assert.ok(g3);
  await assert.rejects(e.admit(input(policies)), (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, "rate_limit_exceeded");
    assert.equal(err.headers["retry-after"], "30");
    assert.equal(err.headers["x-ratelimit-limit-requests"], "2");
    return true;
  });
});

test("dollar budgets price the request; an unknown model is refused with price_unknown", async () => {
  const e = engine();
  // 45 tokens of gpt-4o-mini ≈ 25 microdollars: a 30 microdollar budget takes one request
  const policies = [pol([lim({ unit: "microdollars", limit: 30 })])];
  await (await e.admit(input(policies)))?.settle({}, true, false);
  await assert.rejects(e.admit(input(policies)), /Budget exhausted/);
  await assert.rejects(
    e.admit(input(policies, { model: "my-model" })),
    (err: unknown) => err instanceof GatewayError && err.code === "price_unknown",
  );
});

test("Redis failing: budgets fail closed (503), rate limits fail open", async () => {
  const broken: CounterStore = {
    kind: "redis",
    reserve: () => Promise.reject(new Error("down")),
    adjust: () => Promise.reject(new Error("down")),
    read: () => Promise.reject(new Error("down")),
    ready: () => Promise.reject(new Error("down")),
    close: () => Promise.resolve(),
  };
  const e = engine(broken);
  await assert.rejects(e.admit(input([pol([lim({})], { counters: "Global" })])), (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.equal(err.code, "limit_store_unavailable");
    assert.equal(err.status, 503);
    return true;
  });
  const rl = lim({ class: "rateLimit", unit: "requests", window: "Minute" });
  assert.ok(await e.admit(input([pol([rl], { counters: "Global" })])));
  // without any Redis configured, Global counters behave the same
  await assert.rejects(engine().admit(input([pol([lim({})], { counters: "Global" })])), /unavailable/);
});

test("Anthropic-format clients get Anthropic's error body", async () => {
  const e = engine();
  const err = await e
    .admit(input([pol([lim({ limit: 1 })])], { format: "anthropic" }))
    .catch((x: unknown) => x);
  assert.ok(err instanceof GatewayError);
  assert.deepEqual(Object.keys(err.wireBody()), ["type", "error"]);
  assert.equal((err.wireBody() as { error: { type: string } }).error.type, "rate_limit_error");
});
