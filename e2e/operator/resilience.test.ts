// The operator survives its API server going away, and two replicas share the work through a
// Lease: only the leader writes status and serves the stream; killing it hands over.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { cond, GATEWAY_CLASS_YAML, gatewayYaml, getObj, routeCond } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { proxyToken } from "./proxy-token.ts";
import { type StreamClient, subscribe } from "./stream-client.ts";

const NS = "resilience";

const routeYaml = (name: string) => `apiVersion: agentgateway.dev/v1alpha1
kind: AIRoute
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  parentRefs:
  - name: gw
  rules:
  - backendRefs:
    - name: be
`;

const objects = (model: string) => `${gatewayYaml(NS)}---
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: be
  namespace: ${NS}
spec:
  ai:
    provider:
      openai:
        model: ${model}
---
${routeYaml("route")}`;

function statusWritesOk(metrics: string): number {
  let total = 0;
  for (const m of metrics.matchAll(
    /^ai_gateway_operator_status_writes_total\{[^}]*result="ok"[^}]*\} (\d+)/gm,
  )) {
    total += Number(m[1]);
  }
  return total;
}

describe("operator e2e: resilience", { timeout: 400_000 }, () => {
  let cp: ControlPlane;
  const operators: OperatorProcess[] = [];
  let observer: StreamClient | undefined;
  let token = "";

  before(async () => {
    cp = await startControlPlane();
    await cp.apply(GATEWAY_CLASS_YAML);
    for (const ns of [NS, "ai-gateway-system"]) {
      const r = await cp.kubectl(["create", "namespace", ns]);
      assert.equal(r.code, 0, r.stderr);
    }
    await cp.apply(objects("model-a"));
    token = await proxyToken(cp, NS, "gw");
  });

  after(async () => {
    observer?.close();
    for (const op of operators) await op.stop();
    await cp?.stop();
  });

  it("survives the API server being down for 10 s, reconnects and converges", async () => {
    const op = await startOperatorProcess({ kubeconfigPath: cp.kubeconfigPath });
    operators.push(op);
    observer = await subscribe({
      baseUrl: op.snapshotUrl,
      gateway: `${NS}/gw`,
      token,
      proxyId: "observer",
    });
    await eventually(() => assert.equal(observer?.latest()?.backends[0]?.groups[0]?.[0]?.model, "model-a"));

    await cp.stopApiServer();
    await sleep(10_000);
    assert.equal(op.child.exitCode, null, "operator exited while the API server was down");
    await cp.startApiServer();

    await cp.apply(objects("model-b"));
    await cp.apply(routeYaml("after-restart"));
    await eventually(() => assert.equal(observer?.latest()?.backends[0]?.groups[0]?.[0]?.model, "model-b"), {
      timeoutMs: 60_000,
    });
    await eventually(
      async () => {
        const c = routeCond(await getObj(cp, "airoute", NS, "after-restart"), "Accepted");
        assert.equal(c.status, "True");
      },
      { timeoutMs: 60_000 },
    );
    observer.close();
    await op.stop();
    assert.match(op.output(), /list\/watch failed; retrying/);
  });

  it("elects one leader; only it writes status; kill -9 hands over within the lease time", async () => {
    const a = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      leaderElect: true,
      namespace: "ai-gateway-system",
      waitReady: false,
    });
    operators.push(a);
    await a.waitReady();
    const b = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      leaderElect: true,
      namespace: "ai-gateway-system",
      waitReady: false,
    });
    operators.push(b);
    // b is up (metrics served) but not ready: it is not the leader.
    await eventually(async () => assert.match(await b.metrics(), /^ai_gateway_operator_is_leader 0$/m));
    assert.equal(await b.ready(), false);
    assert.match(await a.metrics(), /^ai_gateway_operator_is_leader 1$/m);
    const standbyStream = await fetch(`${b.snapshotUrl}/v1/snapshots/${NS}/gw`, {
      headers: { authorization: `Bearer ${token}`, "x-proxy-id": "p" },
    });
    assert.equal(standbyStream.status, 503);
    await standbyStream.body?.cancel();

    await cp.apply(routeYaml("with-leader-a"));
    await eventually(async () => {
      assert.equal(routeCond(await getObj(cp, "airoute", NS, "with-leader-a"), "Accepted").status, "True");
    });
    assert.ok(statusWritesOk(await a.metrics()) > 0);
    assert.equal(statusWritesOk(await b.metrics()), 0, "the standby wrote status");

    const killedAt = Date.now();
    await a.kill9();
    await b.waitReady(60_000);
    console.log(`leader killed → standby ready: ${Date.now() - killedAt} ms (lease 15 s)`);
    await cp.apply(routeYaml("with-leader-b"));
    await eventually(async () => {
      assert.equal(routeCond(await getObj(cp, "airoute", NS, "with-leader-b"), "Accepted").status, "True");
    });
    assert.ok(statusWritesOk(await b.metrics()) > 0);
    const lease = await cp.kubectl([
      "get",
      "lease",
      "ai-gateway-operator",
      "-n",
      "ai-gateway-system",
      "-o",
      "json",
    ]);
    assert.equal(lease.code, 0, lease.stderr);
    const holder =
      (JSON.parse(lease.stdout) as { spec: { holderIdentity?: string } }).spec.holderIdentity ?? "";
    assert.notEqual(holder, "");

    // A graceful stop releases the Lease at once.
    assert.equal(await b.stop(), 0);
    const released = await cp.kubectl([
      "get",
      "lease",
      "ai-gateway-operator",
      "-n",
      "ai-gateway-system",
      "-o",
      "json",
    ]);
    assert.equal(
      (JSON.parse(released.stdout) as { spec: { holderIdentity?: string } }).spec.holderIdentity,
      undefined,
    );
    const gw = await getObj(cp, "gateway", NS, "gw");
    assert.ok(cond(gw.status?.conditions, "Accepted"));
  });
});
