// The lab of seed 003 against a real API server and the operator process: Programmed via a
// proxy's ack, route/backend statuses, Secret rotation reaching the stream, a proxy that rejects
// snapshots (metrics + Gateway status), and secrets absent from logs, status, events, metrics.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SEED_003 } from "../fixtures/seed-003.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { cond, GATEWAY_CLASS_YAML, getObj, routeCond } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { startTestProxy, type TestProxy } from "./proxy-process.ts";
import { proxyToken } from "./proxy-token.ts";
import { type StreamClient, subscribe } from "./stream-client.ts";

const NS = "agentgateway-system";
const GW = `${NS}/llm-gateway`;
const KEY_1 = "sk-seed003-first-key-DO-NOT-LEAK-1111";
const KEY_2 = "sk-seed003-rotated-key-DO-NOT-LEAK-2222";

function credentialOf(
  snapshot: StreamClient["snapshots"][number]["snapshot"] | undefined,
): string | undefined {
  const auth = snapshot?.backends[0]?.groups[0]?.[0]?.auth;
  return auth?.mode === "inject" ? auth.credential : undefined;
}

describe("operator e2e: seed 003", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  let observer: StreamClient | undefined;
  let sim: Simulator;
  /** The Gateway's ServiceAccount token (TokenRequest API), once its namespace exists. */
  let token = "";

  before(async () => {
    sim = await startSimulator({ requireKey: KEY_1 });
    cp = await startControlPlane();
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      extraArgs: ["--provider-override", sim.url],
    });
  });

  after(async () => {
    observer?.close();
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await sim?.close();
  });

  /** A keyless chat completion through the real proxy. */
  async function keylessChat(): Promise<void> {
    assert.ok(proxy, "the proxy was started");
    const res = await fetch(`http://127.0.0.1:${proxy.httpPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.ok((JSON.parse(text) as { choices: unknown[] }).choices.length > 0);
  }

  it("applies the lab verbatim with kubectl and the Gateway becomes Programmed", async () => {
    await cp.apply(GATEWAY_CLASS_YAML);
    // The lab's environment has agentgateway-system already; its first command creates llm-gateway.
    for (const args of [
      ["create", "namespace", NS],
      ["create", "namespace", "llm-gateway"],
      ["create", "secret", "generic", "openai-api-key", "--namespace", NS, `--from-literal=apiKey=${KEY_1}`],
    ]) {
      const r = await cp.kubectl(args);
      assert.equal(r.code, 0, r.stderr);
    }
    await cp.apply(SEED_003.backend);
    await cp.apply(SEED_003.gatewayAndRoute);

    // No proxy yet: Programmed is not True.
    await eventually(async () => {
      const gw = await getObj(cp, "gateway", NS, "llm-gateway");
      assert.equal(cond(gw.status?.conditions, "Programmed").status, "False");
    });

    token = await proxyToken(cp, NS, "llm-gateway");
    proxy = await startTestProxy({ snapshotUrl: op.snapshotUrl, gateway: GW, token });
    const wait = await cp.kubectl([
      "wait",
      "gateway",
      "llm-gateway",
      "-n",
      NS,
      "--for=condition=Programmed",
      "--timeout=60s",
    ]);
    assert.equal(wait.code, 0, `${wait.stderr}\n${op.output().slice(-3000)}`);
    await keylessChat();
  });

  it("writes route, backend and Gateway status with observedGeneration", async () => {
    const route = await getObj(cp, "airoute", NS, "openai-route");
    for (const type of ["Accepted", "ResolvedRefs"]) {
      const c = routeCond(route, type);
      assert.equal(c.status, "True", JSON.stringify(c));
      assert.equal(c.observedGeneration, route.metadata.generation);
      assert.ok(c.lastTransitionTime);
    }
    const backend = await getObj(cp, "agentgatewaybackend", NS, "openai");
    for (const type of ["Accepted", "ResolvedRefs"]) {
      const c = cond(backend.status?.conditions, type);
      assert.equal(c.status, "True", JSON.stringify(c));
      assert.equal(c.observedGeneration, backend.metadata.generation);
    }
    const gw = await getObj(cp, "gateway", NS, "llm-gateway");
    assert.equal(cond(gw.status?.conditions, "Accepted").status, "True");
    assert.equal(gw.status?.listeners?.[0]?.attachedRoutes, 1);
    const gc = await cp.kubectl([
      "get",
      "gatewayclass",
      "agentgateway",
      "-o",
      "jsonpath={.status.conditions}",
    ]);
    assert.match(gc.stdout, /"type":"Accepted"/);
  });

  it("streams a new snapshot version after a Secret update (delay printed, not asserted)", async () => {
    observer = await subscribe({
      baseUrl: op.snapshotUrl,
      gateway: GW,
      token,
      proxyId: "e2e-observer",
    });
    await eventually(() => assert.equal(credentialOf(observer?.latest()), KEY_1));
    const before = observer.latest()?.version ?? 0;
    const patch = JSON.stringify({ stringData: { apiKey: KEY_2 } });
    const started = Date.now();
    const r = await cp.kubectl(["patch", "secret", "openai-api-key", "-n", NS, "--type=merge", "-p", patch]);
    assert.equal(r.code, 0, r.stderr);
    const got = await eventually(() => {
      const last = observer?.snapshots.at(-1);
      assert.equal(credentialOf(last?.snapshot), KEY_2);
      return last;
    });
    assert.ok((got?.snapshot.version ?? 0) > before);
    sim.setRequiredKey(KEY_2);
    await eventually(() => keylessChat());
    console.log(
      `secret update → new snapshot on the stream: ${(got?.at ?? 0) - started} ms (issue target ≤ 1000 ms)`,
    );
  });

  it("shows a proxy's rejection in metrics and in the Gateway status, and recovers when it leaves", async () => {
    const nacker = await subscribe({
      baseUrl: op.snapshotUrl,
      gateway: GW,
      token,
      proxyId: "nacking-proxy",
      ack: false,
      reason: "test proxy refuses every snapshot",
    });
    try {
      await eventually(async () => {
        const metrics = await op.metrics();
        assert.match(
          metrics,
          /ai_gateway_operator_acks_total\{gateway="agentgateway-system\/llm-gateway",result="rejected"\} [1-9]/,
        );
      });
      await eventually(async () => {
        const c = cond((await getObj(cp, "gateway", NS, "llm-gateway")).status?.conditions, "Programmed");
        assert.equal(c.status, "False");
        assert.match(c.message, /rejected by 1 proxy.*nacking-proxy.*refuses every snapshot/);
      });
    } finally {
      nacker.close();
    }
    await eventually(async () => {
      const c = cond((await getObj(cp, "gateway", NS, "llm-gateway")).status?.conditions, "Programmed");
      assert.equal(c.status, "True", JSON.stringify(c));
    });
  });

  it("rejects stream clients without the token (401 OpenAI-style)", async () => {
    const res = await fetch(`${op.snapshotUrl}/v1/snapshots/${GW}`, {
      headers: { authorization: "Bearer wrong" },
    });
    assert.equal(res.status, 401);
    const body = (await res.json()) as { error: { type: string } };
    assert.equal(body.error.type, "authentication_error");
  });

  it("never shows a secret in operator logs, status, events or /metrics", async () => {
    const secrets = [KEY_1, KEY_2, token].flatMap((s) => [s, Buffer.from(s).toString("base64")]);
    const places: Record<string, string> = { logs: op.output(), metrics: await op.metrics() };
    for (const resource of ["gateways", "airoutes", "agentgatewaybackends", "gatewayclasses", "events"]) {
      const r = await cp.kubectl(["get", resource, "-A", "-o", "json"]);
      assert.equal(r.code, 0, r.stderr);
      places[resource] = r.stdout;
    }
    assert.ok(places.logs?.includes("status written"), "the logs were captured");
    for (const [place, text] of Object.entries(places)) {
      for (const s of secrets) assert.equal(text.includes(s), false, `a secret appears in ${place}`);
    }
  });
});
