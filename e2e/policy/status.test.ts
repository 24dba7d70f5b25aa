// A policy's consumption in its status, end to end: the real API server, the operator process, a
// real proxy process, the simulator and a real redis-server. After requests, `kubectl get` shows
// per key what was used and what remains (the provider's reported usage), the status is rewritten
// every few seconds at most (not per request), no key value appears in it, and a Global policy
// whose Redis is stopped says so in a CountersAvailable=False condition, cleared when Redis is back.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type RedisServer, startRedis } from "../../gateway/src/policy/redis-server.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { GATEWAY_CLASS_YAML } from "../operator/k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "../operator/operator-process.ts";
import { startTestProxy, type TestProxy } from "../operator/proxy-process.ts";
import { proxyToken } from "../operator/proxy-token.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";

const NS = "example-budgets";
const KEY = "gw-budgets-demo-7d3f9a2c41b8e605";
const KEY_ID = "demo-app";
const POLICY = readFileSync(new URL("../../examples/budgets/50-policy.yaml", import.meta.url), "utf8");
const GLOBAL_POLICY = `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata:
  name: global-rate
  namespace: ${NS}
spec:
  targetRefs:
  - group: gateway.networking.k8s.io
    kind: Gateway
    name: llm-gateway
  counters: Global
  traffic:
    rateLimit:
      local:
      - requests: 100000
        unit: Hours
        key:
          type: ClientKey
`;

interface UsageRow {
  limit: string;
  key: string;
  unit: string;
  used: number;
  capacity: number;
  remaining: number;
  window: string;
  windowStart: string;
}
interface PolicyObj {
  metadata: { resourceVersion: string };
  status?: {
    conditions?: { type: string; status: string; reason: string; message: string }[];
    usage?: UsageRow[];
  };
}

describe("policy e2e: consumption and counter health in the policy status", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  let sim: Simulator;
  let redis: RedisServer;

  before(async () => {
    sim = await startSimulator({});
    redis = await startRedis();
    cp = await startControlPlane();
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      extraArgs: ["--provider-override", sim.url],
    });
    await cp.apply(GATEWAY_CLASS_YAML);
    const r = await cp.kubectl(["apply", "-f", "examples/budgets"]);
    assert.equal(r.code, 0, r.stderr);
    await cp.apply(POLICY.replace("tokens: 1000", "tokens: 100000"));
    await cp.apply(GLOBAL_POLICY);
    process.env.AI_GATEWAY_REDIS_PASSWORD = redis.password;
    proxy = await startTestProxy({
      snapshotUrl: op.snapshotUrl,
      gateway: `${NS}/llm-gateway`,
      token: await proxyToken(cp, NS, "llm-gateway"),
      extraArgs: ["--redis-url", redis.url],
    });
    delete process.env.AI_GATEWAY_REDIS_PASSWORD;
  });
  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await redis?.stop();
    await sim?.close();
  });

  const chat = async (): Promise<{ status: number; totalTokens: number }> => {
    const res = await fetch(`http://127.0.0.1:${proxy?.httpPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        max_tokens: 5,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    const body = (await res.json()) as { usage?: { total_tokens: number } };
    return { status: res.status, totalTokens: body.usage?.total_tokens ?? 0 };
  };
  const policy = async (name: string): Promise<PolicyObj> => {
    const r = await cp.kubectl(["get", "agentgatewaypolicy", name, "-n", NS, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as PolicyObj;
  };

  it("shows per key what was used and what remains, from the provider's usage, without any key value", async () => {
    await eventually(async () => assert.equal((await chat()).status, 200), { timeoutMs: 60_000 });
    // a fresh count: wait until the status shows the first request, then send three more
    let before: UsageRow[] = [];
    await eventually(
      async () => {
        before = (await policy("daily-budget")).status?.usage ?? [];
        assert.ok(before.some((u) => u.limit === "budget/0"));
      },
      { timeoutMs: 30_000 },
    );
    const tokensBefore = before.find((u) => u.limit === "budget/0")?.used ?? 0;
    const requestsBefore = before.find((u) => u.limit === "rateLimit/0")?.used ?? 0;
    let spent = 0;
    for (let i = 0; i < 3; i++) {
      const r = await chat();
      assert.equal(r.status, 200);
      spent += r.totalTokens;
    }
    assert.ok(spent > 0);
    await eventually(
      async () => {
        const p = await policy("daily-budget");
        const budget = p.status?.usage?.find((u) => u.limit === "budget/0");
        const rate = p.status?.usage?.find((u) => u.limit === "rateLimit/0");
        assert.ok(budget && rate, JSON.stringify(p.status));
        assert.equal(budget.key, KEY_ID);
        assert.equal(budget.unit, "tokens");
        assert.equal(budget.used, tokensBefore + spent);
        assert.equal(budget.capacity, 100000);
        assert.equal(budget.remaining, 100000 - budget.used);
        assert.equal(budget.window, "Day");
        assert.equal(rate.used, requestsBefore + 3);
        assert.equal(rate.unit, "requests");
        assert.ok(!JSON.stringify(p).includes(KEY), "a key value in the policy status");
      },
      { timeoutMs: 30_000 },
    );
  });

  it("is not rewritten per request: 40 requests in ~10 s give at most a few status writes", async () => {
    const start = (await policy("daily-budget")).metadata.resourceVersion;
    const versions = new Set<string>([start]);
    const until = Date.now() + 10_000;
    let sent = 0;
    while (Date.now() < until) {
      assert.equal((await chat()).status, 200);
      sent++;
      versions.add((await policy("daily-budget")).metadata.resourceVersion);
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(sent >= 20, `sent ${sent}`);
    // one write per 5 s at most (plus the one in flight when the window started)
    assert.ok(versions.size <= 4, `${versions.size} resourceVersions for ${sent} requests`);
  });

  it("a Global policy whose Redis is stopped is CountersAvailable=False, and True again once it is back", async () => {
    await eventually(
      async () => {
        const c = (await policy("global-rate")).status?.conditions?.find(
          (x) => x.type === "CountersAvailable",
        );
        assert.equal(c?.status, "True", JSON.stringify(c));
        const usage = (await policy("global-rate")).status?.usage?.find((u) => u.limit === "rateLimit/0");
        assert.ok(usage && usage.used > 0);
      },
      { timeoutMs: 30_000 },
    );
    await redis.halt();
    // rate limits fail open by default: requests still pass, and the failure is reported
    await eventually(
      async () => {
        assert.equal((await chat()).status, 200);
        const c = (await policy("global-rate")).status?.conditions?.find(
          (x) => x.type === "CountersAvailable",
        );
        assert.equal(c?.status, "False", JSON.stringify(c));
        assert.equal(c?.reason, "CounterStoreUnavailable");
        assert.match(
          c?.message ?? "",
          /could not reach the Global counters \(Redis\).*rate limits fail open/,
        );
      },
      { timeoutMs: 60_000 },
    );
    await redis.restart();
    await eventually(
      async () => {
        await chat();
        const c = (await policy("global-rate")).status?.conditions?.find(
          (x) => x.type === "CountersAvailable",
        );
        assert.equal(c?.status, "True", JSON.stringify(c));
      },
      { timeoutMs: 60_000 },
    );
  });
});
