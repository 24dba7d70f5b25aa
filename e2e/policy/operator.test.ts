// AgentgatewayPolicy on a real API server with the operator and a real proxy process: the
// examples/budgets manifests applied with kubectl, the policy Accepted, the README's 2,000-token
// request refused with 429 insufficient_quota, raising the budget with `kubectl apply` admits it
// without a redeploy, and a policy with an unknown target gets Accepted/ResolvedRefs False.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { cond, GATEWAY_CLASS_YAML, getObj } from "../operator/k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "../operator/operator-process.ts";
import { startTestProxy, type TestProxy } from "../operator/proxy-process.ts";
import { proxyToken } from "../operator/proxy-token.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";

const NS = "example-budgets";
const KEY = "gw-budgets-demo-7d3f9a2c41b8e605";
const POLICY = readFileSync(new URL("../../examples/budgets/50-policy.yaml", import.meta.url), "utf8");

describe("operator e2e: AgentgatewayPolicy", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({});
    cp = await startControlPlane();
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      extraArgs: ["--provider-override", sim.url],
    });
  });
  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await sim?.close();
  });

  const chat = (maxTokens: number) =>
    fetch(`http://127.0.0.1:${proxy?.httpPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        max_tokens: maxTokens,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });

  it("the example's policy is Accepted and refuses a request that cannot fit; raising it admits the next", async () => {
    await cp.apply(GATEWAY_CLASS_YAML);
    const r = await cp.kubectl(["apply", "-f", "examples/budgets"]);
    assert.equal(r.code, 0, r.stderr);
    proxy = await startTestProxy({
      snapshotUrl: op.snapshotUrl,
      gateway: `${NS}/llm-gateway`,
      token: await proxyToken(cp, NS, "llm-gateway"),
    });
    await eventually(async () => {
      const p = await getObj(cp, "agentgatewaypolicy", NS, "daily-budget");
      assert.equal(cond(p.status?.conditions, "Accepted").status, "True");
      assert.equal(cond(p.status?.conditions, "ResolvedRefs").status, "True");
    });
    await eventually(async () => assert.equal((await chat(100)).status, 200));
    const refused = await chat(2000);
    assert.equal(refused.status, 429);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "insufficient_quota");

    await cp.apply(POLICY.replace("tokens: 1000", "tokens: 5000"));
    await eventually(async () => assert.equal((await chat(2000)).status, 200));
    // lowering below what was spent refuses the next request
    await cp.apply(POLICY.replace("tokens: 1000", "tokens: 10"));
    await eventually(async () => assert.equal((await chat(1)).status, 429));
  });

  it("a policy naming a missing route is Accepted=False and ResolvedRefs=False with TargetNotFound", async () => {
    await cp.apply(`apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata:
  name: dangling
  namespace: ${NS}
spec:
  targetRefs:
  - group: agentgateway.dev
    kind: AIRoute
    name: no-such-route
  budgets:
  - tokens: 10
    period: Day
`);
    await eventually(async () => {
      const p = await getObj(cp, "agentgatewaypolicy", NS, "dangling");
      const accepted = cond(p.status?.conditions, "Accepted");
      assert.equal(accepted.status, "False");
      assert.equal(accepted.reason, "TargetNotFound");
      const refs = cond(p.status?.conditions, "ResolvedRefs");
      assert.equal(refs.reason, "TargetNotFound");
      assert.match(refs.message, /AIRoute example-budgets\/no-such-route not found/);
    });
  });
});
