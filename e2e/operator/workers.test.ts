// A worker-mode proxy (`--workers 2`) against a real API server and the operator: one snapshot
// subscription in the primary, both workers serving one listener, one /metrics summing them, Local
// policy counters shared (two workers do not double a limit), the kill switch reaching every
// worker, a killed worker replaced, and SIGTERM taking the whole process tree down.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { GATEWAY_CLASS_YAML } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { startTestProxy, type TestProxy } from "./proxy-process.ts";
import { proxyToken } from "./proxy-token.ts";

const NS = "example-budgets";
const KEY = "gw-budgets-demo-7d3f9a2c41b8e605";
const POLICY = readFileSync(new URL("../../examples/budgets/50-policy.yaml", import.meta.url), "utf8");

/** One request on its own connection (so round-robin spreads them over the workers). */
function chat(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({
      model: "gpt-4o-mini",
      max_tokens: 5,
      messages: [{ role: "user", content: "Hi" }],
    });
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/v1/chat/completions",
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", authorization: `Bearer ${KEY}`, connection: "close" },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

function children(pid: number): number[] {
  try {
    return execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** User + system CPU ticks of a process (/proc/<pid>/stat fields 14 and 15). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

function requestsTotal(metrics: string): number {
  let sum = 0;
  for (const line of metrics.split("\n"))
    if (line.startsWith("ai_gateway_requests_total{")) sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  return sum;
}

describe("operator e2e: a proxy with two workers", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  let sim: Simulator;
  const metrics = async (): Promise<string> =>
    (await fetch(`http://127.0.0.1:${proxy?.adminPort}/metrics`)).text();

  before(async () => {
    sim = await startSimulator({});
    cp = await startControlPlane();
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      extraArgs: ["--provider-override", sim.url],
    });
    await cp.apply(GATEWAY_CLASS_YAML);
    const r = await cp.kubectl(["apply", "-f", "examples/budgets"]);
    assert.equal(r.code, 0, r.stderr);
    await cp.apply(
      POLICY.replace("tokens: 1000", "tokens: 100000000").replace("requests: 60", "requests: 100000"),
    );
    proxy = await startTestProxy({
      snapshotUrl: op.snapshotUrl,
      gateway: `${NS}/llm-gateway`,
      token: await proxyToken(cp, NS, "llm-gateway"),
      extraArgs: ["--workers", "2"],
    });
  });
  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await sim?.close();
  });

  it("runs one primary with two workers; both serve the listener and /metrics counts every request once", async () => {
    assert.ok(proxy);
    const workers = children(proxy.pid);
    assert.equal(workers.length, 2, `worker processes: ${workers.join(",")}`);
    await eventually(async () => assert.equal(await chat(proxy?.httpPort ?? 0), 200));
    const before = requestsTotal(await metrics());
    const ticks = workers.map(cpuTicks);
    const n = 600;
    let ok = 0;
    for (let i = 0; i < n; i += 8) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(8, n - i) }, () => chat(proxy?.httpPort ?? 0)),
      );
      ok += batch.filter((s) => s === 200).length;
    }
    assert.equal(ok, n);
    const used = workers.map((pid, i) => cpuTicks(pid) - (ticks[i] ?? 0));
    const total = used.reduce((a, b) => a + b, 0);
    console.log(`worker CPU ticks over ${n} requests: ${used.join(" / ")}`);
    for (const u of used) assert.ok(u >= total * 0.2, `each worker served a share: ${used.join(" / ")}`);
    await eventually(async () => assert.equal(requestsTotal(await metrics()) - before, n));
    // one snapshot subscription: the operator sees one proxy for the Gateway
    assert.match(
      await metrics(),
      /ai_gateway_snapshot_version\{gateway="example-budgets\/llm-gateway"\} \d+/,
    );
  });

  it("Local policy counters are shared: a limit of 6 requests a minute admits 6 across both workers", async () => {
    await cp.apply(
      POLICY.replace("tokens: 1000", "tokens: 100000000").replace("requests: 60", "requests: 6"),
    );
    // wait until the new limit is served (a request beyond it is refused)
    await eventually(async () => assert.equal(await chat(proxy?.httpPort ?? 0), 429), { timeoutMs: 60_000 });
    // a fresh minute window: the counters key on the minute
    const now = new Date();
    await new Promise((r) => setTimeout(r, (60 - now.getUTCSeconds()) * 1000 + 200));
    const statuses = [];
    for (let i = 0; i < 20; i++) statuses.push(await chat(proxy?.httpPort ?? 0));
    assert.equal(statuses.filter((s) => s === 200).length, 6, statuses.join(","));
    assert.equal(statuses.filter((s) => s === 429).length, 14);
    await cp.apply(
      POLICY.replace("tokens: 1000", "tokens: 100000000").replace("requests: 60", "requests: 100000"),
    );
    await eventually(async () => assert.equal(await chat(proxy?.httpPort ?? 0), 200), { timeoutMs: 60_000 });
  });

  it("a killed worker is replaced and given the current snapshot", async () => {
    assert.ok(proxy);
    const [victim] = children(proxy.pid);
    assert.ok(victim);
    process.kill(victim, "SIGKILL");
    await eventually(
      async () => {
        const now = children(proxy?.pid ?? 0);
        assert.equal(now.length, 2);
        assert.ok(!now.includes(victim));
        const ready = await fetch(`http://127.0.0.1:${proxy?.adminPort}/ready`);
        assert.equal(ready.status, 200, await ready.text());
      },
      { timeoutMs: 30_000 },
    );
    const statuses = await Promise.all(Array.from({ length: 8 }, () => chat(proxy?.httpPort ?? 0)));
    assert.deepEqual(statuses, Array(8).fill(200));
  });

  it("the kill switch reaches every worker: deleting the route answers 404 on every connection", async () => {
    const r = await cp.kubectl(["delete", "airoute", "openai-route", "-n", NS]);
    assert.equal(r.code, 0, r.stderr);
    await eventually(async () => {
      const statuses = await Promise.all(Array.from({ length: 8 }, () => chat(proxy?.httpPort ?? 0)));
      assert.deepEqual(statuses, Array(8).fill(404));
    });
  });

  it("SIGTERM drains and stops the primary and its workers", async () => {
    assert.ok(proxy);
    const pid = proxy.pid;
    const workers = children(pid);
    assert.equal(workers.length, 2);
    const alive = (p: number): boolean => {
      try {
        // a zombie still answers signal 0: look at its state
        return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${p}/stat`, "utf8"));
      } catch {
        return false;
      }
    };
    const mark = proxy.output().length;
    process.kill(pid, "SIGTERM");
    // /ready turns 503 at once (endpoints drop the pod before it stops listening)
    await eventually(async () =>
      assert.equal((await fetch(`http://127.0.0.1:${proxy?.adminPort}/ready`)).status, 503),
    );
    await eventually(() => assert.deepEqual([pid, ...workers].filter(alive), []), { timeoutMs: 30_000 });
    const tail = proxy.output().slice(mark);
    assert.match(tail, /"msg":"shutting down"/);
    assert.doesNotMatch(tail, /proxy worker exited; starting a new one/);
  });
});
