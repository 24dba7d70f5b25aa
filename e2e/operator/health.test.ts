// policies.health through the whole stack: a real API server, the operator process and a real
// worker-mode proxy (`--workers 2`: each worker ejects on what it sees, the primary reports the
// union). A provider that answers 503 is ejected; the proxy reports it on the authenticated
// report channel and the operator writes ProvidersHealthy=False naming it and until when into the
// AgentgatewayBackend status (observedGeneration set, no credential anywhere in it); once the
// ejection runs out and the provider answers again, the condition turns True. An
// unhealthyCondition outside the supported CEL subset is Accepted=False, naming the field.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { metricSum } from "../proxy/harness.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { cond, GATEWAY_CLASS_YAML, gatewayWithRouteYaml, getObj } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { startTestProxy, type TestProxy } from "./proxy-process.ts";
import { proxyToken } from "./proxy-token.ts";

const NS = "health-e2e";
const PROVIDER_KEY = "sk-health-e2e-provider-key-0f3a9c";
const EJECTION = "20s";

/** One request on its own connection (so the primary spreads them over the workers). */
function chat(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] });
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path: "/v1/chat/completions",
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", connection: "close" },
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

describe("operator e2e: policies.health ejection shows in the AgentgatewayBackend status", {
  timeout: 300_000,
}, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  let flaky: Simulator;
  let steady: Simulator;

  const backendYaml = (unhealthyCondition: string) =>
    JSON.stringify({
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AgentgatewayBackend",
      metadata: { name: "pool", namespace: NS },
      spec: {
        ai: {
          groups: [
            {
              providers: [
                { name: "flaky", openai: {}, host: "127.0.0.1", port: flaky.port, plaintext: true },
                { name: "steady", openai: {}, host: "127.0.0.1", port: steady.port, plaintext: true },
              ],
            },
          ],
        },
        policies: {
          auth: { key: PROVIDER_KEY },
          health: { unhealthyCondition, eviction: { duration: EJECTION, consecutiveFailures: 2 } },
        },
      },
    });

  before(async () => {
    flaky = await startSimulator({ chunks: 1 });
    steady = await startSimulator({ chunks: 1 });
    cp = await startControlPlane();
    op = await startOperatorProcess({ kubeconfigPath: cp.kubeconfigPath });
    await cp.apply(GATEWAY_CLASS_YAML);
    assert.equal((await cp.kubectl(["create", "namespace", NS])).code, 0);
    await cp.apply(backendYaml("response.code >= 500"));
    await cp.apply(gatewayWithRouteYaml(NS, "chat", "pool"));
    proxy = await startTestProxy({
      snapshotUrl: op.snapshotUrl,
      gateway: `${NS}/gw`,
      token: await proxyToken(cp, NS, "gw"),
      extraArgs: ["--workers", "2"],
    });
    const wait = await cp.kubectl([
      "wait",
      "gateway",
      "gw",
      "-n",
      NS,
      "--for=condition=Programmed",
      "--timeout=60s",
    ]);
    assert.equal(wait.code, 0, wait.stderr);
  });
  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await flaky?.close();
    await steady?.close();
  });

  const providersHealthy = async () =>
    cond((await getObj(cp, "agentgatewaybackend", NS, "pool")).status?.conditions, "ProvidersHealthy");

  it("starts ProvidersHealthy=True", async () => {
    await eventually(async () => {
      const c = await providersHealthy();
      assert.equal(c.status, "True", JSON.stringify(c));
      assert.equal(c.reason, "ProvidersHealthy");
    });
  });

  it("a provider answering 503 is ejected and named in the status with until when; True again after", async () => {
    assert.ok(proxy);
    const port = proxy.httpPort;
    flaky.injectFault({ kind: "status", status: 503 }, { pathPrefix: "/" });
    const metrics = async () => (await fetch(`http://127.0.0.1:${proxy?.adminPort}/metrics`)).text();
    const sentAt = Date.now();
    // clients never see the flaky provider's failures: the other provider of the group answers
    await eventually(
      async () => {
        const statuses = await Promise.all(Array.from({ length: 4 }, () => chat(port)));
        assert.deepEqual(statuses, [200, 200, 200, 200]);
        const ejected = metricSum(await metrics(), "ai_gateway_provider_ejected", {
          backend: `${NS}/pool`,
          provider: "flaky",
        });
        assert.ok(ejected >= 1, `ejected in ${ejected} workers`);
      },
      { timeoutMs: 60_000 },
    );

    let c = await providersHealthy();
    await eventually(
      async () => {
        c = await providersHealthy();
        assert.equal(c.status, "False", JSON.stringify(c));
      },
      { timeoutMs: 60_000 },
    );
    const obj = await getObj(cp, "agentgatewaybackend", NS, "pool");
    assert.equal(c.reason, "ProvidersEjected");
    assert.equal(c.observedGeneration, obj.metadata.generation);
    const m =
      /^provider flaky ejected until (\S+) by 1 of 1 proxies of Gateway health-e2e\/gw \(policies\.health\)$/.exec(
        c.message,
      );
    assert.ok(m, c.message);
    const until = Date.parse(m[1] ?? "");
    assert.ok(until >= sentAt + 20_000 && until <= Date.now() + 20_000, `until ${m[1]}`);
    assert.ok(!c.message.includes("steady"), "only the ejected provider is named");
    const status = JSON.stringify(obj.status);
    assert.ok(!status.includes(PROVIDER_KEY), "no credential in the status");

    // the provider answers again: once the ejection runs out and a report says so, True again
    flaky.reset();
    await eventually(
      async () => {
        await chat(port);
        const back = await providersHealthy();
        assert.equal(back.status, "True", JSON.stringify(back));
      },
      { timeoutMs: 120_000 },
    );
    assert.ok(Date.now() >= until, "True only after the ejection ran out");
  });

  it("the CRD refuses an eviction duration under 1s (upstream's rule)", async () => {
    const short = JSON.parse(backendYaml("response.code >= 500")) as {
      spec: { policies: { health: { eviction: { duration: string } } } };
    };
    short.spec.policies.health.eviction.duration = "500ms";
    const r = await cp.kubectl(["apply", "-f", "-"], { input: JSON.stringify(short) });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /duration must be at least 1 second/);
  });

  it("an unhealthyCondition outside the CEL subset is Accepted=False naming the field", async () => {
    await cp.apply(backendYaml("response.code >= 500 || request.path.startsWith('/v1')"));
    await eventually(async () => {
      const c = cond((await getObj(cp, "agentgatewaybackend", NS, "pool")).status?.conditions, "Accepted");
      assert.equal(c.status, "False", JSON.stringify(c));
      assert.equal(c.reason, "UnsupportedExpression");
      assert.match(c.message, /^spec\.policies\.health\.unhealthyCondition: not supported: /);
      assert.match(c.message, /'request\.path\.startsWith' at offset 24/);
    });
  });
});
