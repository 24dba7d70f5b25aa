// Prices from a ConfigMap (AgentgatewayPolicy spec.pricesFrom) on a real API server with the
// operator and a real proxy process: a dollar budget is charged at the ConfigMap's price, raising
// the price with `kubectl apply` refuses the next request without any restart, and a missing or
// malformed ConfigMap is ResolvedRefs=False with a specific reason.
import assert from "node:assert/strict";
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

const policy = (configMap: string) => `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata:
  name: daily-budget
  namespace: ${NS}
spec:
  targetRefs:
  - group: agentgateway.dev
    kind: AIRoute
    name: openai-route
  budgets:
  - dollars: "0.05"
    period: Day
    key:
      type: ClientKey
  pricesFrom:
    configMapRef:
      name: ${configMap}
`;
const prices = (perMillion: string) => `apiVersion: v1
kind: ConfigMap
metadata:
  name: team-prices
  namespace: ${NS}
data:
  prices.yaml: |
    - provider: openai
      model: gpt-4o-mini
      inputPerMillion: "${perMillion}"
      outputPerMillion: "${perMillion}"
`;

describe("policy e2e: prices from a ConfigMap", { timeout: 300_000 }, () => {
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
    await cp.apply(GATEWAY_CLASS_YAML);
    for (const f of ["00-namespace", "10-secret", "20-backend", "30-gateway", "40-route"]) {
      const r = await cp.kubectl(["apply", "-f", `examples/budgets/${f}.yaml`]);
      assert.equal(r.code, 0, r.stderr);
    }
    proxy = await startTestProxy({
      snapshotUrl: op.snapshotUrl,
      gateway: `${NS}/llm-gateway`,
      token: await proxyToken(cp, NS, "llm-gateway"),
    });
  });
  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await sim?.close();
  });

  const chat = async (): Promise<number> => {
    const res = await fetch(`http://127.0.0.1:${proxy?.httpPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
      body: JSON.stringify({
        model: "gpt-4o-mini",
        max_tokens: 5,
        messages: [{ role: "user", content: "Hi" }],
      }),
    });
    await res.body?.cancel();
    return res.status;
  };
  const refs = async () =>
    cond((await getObj(cp, "agentgatewaypolicy", NS, "daily-budget")).status?.conditions, "ResolvedRefs");

  it("a missing ConfigMap is ResolvedRefs=False ConfigMapNotFound", async () => {
    await cp.apply(policy("team-prices"));
    await eventually(async () => {
      const c = await refs();
      assert.equal(c.status, "False");
      assert.equal(c.reason, "ConfigMapNotFound");
      assert.match(c.message, /ConfigMap example-budgets\/team-prices not found/);
    });
  });

  it("charges at the ConfigMap's price; a higher price applied with kubectl refuses the next request", async () => {
    // $1,000 per million tokens: a request of ~10 tokens costs ~$0.01 of the $0.05 budget
    await cp.apply(prices("1000"));
    await eventually(async () => assert.equal((await refs()).status, "True"));
    await eventually(async () => assert.equal(await chat(), 200), { timeoutMs: 30_000 });
    // $100,000 per million: the next reservation (~$1) cannot fit
    await cp.apply(prices("100000"));
    await eventually(async () => assert.equal(await chat(), 429), { timeoutMs: 30_000 });
    await cp.apply(prices("1000"));
    await eventually(async () => assert.equal(await chat(), 200), { timeoutMs: 30_000 });
  });

  it("a prices.yaml that does not parse is ResolvedRefs=False InvalidPrices naming the entry", async () => {
    await cp.apply(prices("1000").replace('inputPerMillion: "1000"', 'inputPerMillion: "one thousand"'));
    await eventually(async () => {
      const c = await refs();
      assert.equal(c.status, "False");
      assert.equal(c.reason, "InvalidPrices");
      assert.match(c.message, /prices\.yaml\[0\]\.inputPerMillion/);
    });
  });
});
