// `node bench/policy-check.ts [rate] [seconds]`: the latency a policy check adds to a request, at a
// steady rate (default 1,000 req/s for 5 s): admit (estimate + reserve on a rate limit and a token
// budget) then settle, with Local counters and with Global counters in a real redis-server on
// loopback. Prints p50/p99/max of admit and of admit+settle in microseconds.

import { Registry } from "prom-client";
import { createLogger } from "../gateway/src/log.ts";
import { PolicyEngine } from "../gateway/src/policy/engine.ts";
import { createPolicyMetrics } from "../gateway/src/policy/metrics.ts";
import { startRedis } from "../gateway/src/policy/redis-server.ts";
import { RedisCounterStore } from "../gateway/src/policy/redis-store.ts";
import { LocalCounterStore } from "../gateway/src/policy/store.ts";
import type { PolicyConfig, RouteConfig } from "../gateway/src/snapshot/schema.ts";

const rate = Number(process.argv[2] ?? 1000);
const seconds = Number(process.argv[3] ?? 5);
const log = createLogger({ component: "bench" });

const route = {
  id: "AIRoute/ai/chat/0",
  kind: "AIRoute",
  namespace: "ai",
  name: "chat",
} as RouteConfig;

function policies(counters: "Local" | "Global"): PolicyConfig[] {
  return [
    {
      ref: "ai/p",
      routes: [route.id],
      counters,
      failOpen: { rateLimits: true, budgets: false },
      prices: [],
      limits: [
        {
          id: "ai/p/rateLimit/0",
          class: "rateLimit",
          unit: "requests",
          tokenType: "Total",
          limit: 1e9,
          window: "Minute",
          key: { type: "ClientKey" },
        },
        {
          id: "ai/p/budget/0",
          class: "budget",
          unit: "tokens",
          tokenType: "Total",
          limit: 1e12,
          window: "Day",
          key: { type: "ClientKey" },
        },
      ],
    },
  ];
}

const body = {
  model: "gpt-4o-mini",
  max_tokens: 64,
  messages: [{ role: "user", content: "Say hello to the benchmark in one short sentence." }],
};

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function run(name: string, engine: PolicyEngine, counters: "Local" | "Global") {
  const admit: number[] = [];
  const total: number[] = [];
  const n = rate * seconds;
  const interval = 1000 / rate;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      (async () => {
        const t0 = performance.now();
        const grant = await engine.admit({
          policies: policies(counters),
          route,
          clientKeyId: `key-${i % 50}`,
          header: () => undefined,
          body,
          provider: "openai",
          model: "gpt-4o-mini",
          format: "openai",
        });
        const t1 = performance.now();
        await grant?.settle({ inputTokens: 20, outputTokens: 30 }, true, false);
        const t2 = performance.now();
        admit.push((t1 - t0) * 1000);
        total.push((t2 - t0) * 1000);
      })(),
    );
  }
  await Promise.all(pending);
  const achieved = n / ((performance.now() - start) / 1000);
  admit.sort((a, b) => a - b);
  total.sort((a, b) => a - b);
  const f = (x: number) => x.toFixed(0).padStart(6);
  console.log(
    `${name.padEnd(6)} ${achieved.toFixed(0)} req/s  admit p50 ${f(pct(admit, 50))} µs p99 ${f(pct(admit, 99))} µs max ${f(admit.at(-1) ?? 0)} µs | admit+settle p50 ${f(pct(total, 50))} µs p99 ${f(pct(total, 99))} µs`,
  );
}

const local = new LocalCounterStore();
await run(
  "local",
  new PolicyEngine({ local, global: undefined, metrics: createPolicyMetrics(new Registry()) }),
  "Local",
);
const redis = await startRedis();
const global = new RedisCounterStore({ url: redis.url, password: redis.password });
try {
  await global.ready(5_000);
  await run(
    "redis",
    new PolicyEngine({ local, global, metrics: createPolicyMetrics(new Registry()) }),
    "Global",
  );
} catch (err) {
  log.error({ err: String(err) }, "redis run failed");
} finally {
  await global.close();
  await redis.stop();
}
