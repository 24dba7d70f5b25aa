// policies.tls through the whole stack: a real API server, the operator process and the real proxy
// process, an HTTPS simulator that requires a client certificate. The CA bundle is a ConfigMap and
// the client certificate a kubernetes.io/tls Secret, both applied with kubectl; changing either
// reaches the running proxy (new connection pool, no restart): a wrong CA fails closed, the right
// one answers with the client certificate presented, a client certificate the server does not
// trust fails closed again; a deleted ConfigMap is ConfigMapNotFound. No PEM or key shows in
// status, events, operator logs or proxy output.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { makePki, pemReader } from "../harness/test-pki.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { cond, GATEWAY_CLASS_YAML, gatewayWithRouteYaml, getObj } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { startTestProxy, type TestProxy } from "./proxy-process.ts";
import { proxyToken } from "./proxy-token.ts";

const NS = "backend-tls-e2e";
const KEY = "sk-operator-tls-e2e-91c2";

describe("operator e2e: policies.tls from a ConfigMap and a Secret", { timeout: 300_000 }, () => {
  let dir: string;
  let pem: (f: string) => string;
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  let sim: Simulator;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "operator-tls-"));
    makePki(dir, "test-ca", [
      { name: "server", cn: "sim.test", ext: "subjectAltName=DNS:sim.test,IP:127.0.0.1" },
      { name: "client", cn: "gateway-client", ext: "extendedKeyUsage=clientAuth" },
    ]);
    makePki(dir, "other-ca", [{ name: "stranger", cn: "stranger", ext: "extendedKeyUsage=clientAuth" }]);
    pem = pemReader(dir);
    sim = await startSimulator({
      requireKey: KEY,
      tls: { key: pem("server.key"), cert: pem("server.pem"), clientCa: pem("test-ca.pem") },
    });
    cp = await startControlPlane();
    op = await startOperatorProcess({ kubeconfigPath: cp.kubeconfigPath });
  });
  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const caConfigMap = (bundle: string) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "llm-ca", namespace: NS },
      data: { "ca.crt": bundle },
    });
  const clientSecret = (stem: string) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "client-cert", namespace: NS },
      type: "kubernetes.io/tls",
      stringData: { "tls.crt": pem(`${stem}.pem`), "tls.key": pem(`${stem}.key`) },
    });

  async function chat(): Promise<{ status: number; code?: string }> {
    assert.ok(proxy);
    const res = await fetch(`http://127.0.0.1:${proxy.httpPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    const body = (await res.json()) as { error?: { code?: string } };
    return { status: res.status, ...(body.error?.code ? { code: body.error.code } : {}) };
  }

  it("a wrong CA in the ConfigMap fails closed: 502, nothing reaches the server", async () => {
    await cp.apply(GATEWAY_CLASS_YAML);
    assert.equal((await cp.kubectl(["create", "namespace", NS])).code, 0);
    await cp.apply(
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "openai-key", namespace: NS },
        stringData: { apiKey: KEY },
      }),
    );
    await cp.apply(caConfigMap(pem("other-ca.pem")));
    await cp.apply(clientSecret("client"));
    await cp.apply(
      JSON.stringify({
        apiVersion: "agentgateway.dev/v1alpha1",
        kind: "AgentgatewayBackend",
        metadata: { name: "secure", namespace: NS },
        spec: {
          ai: { provider: { openai: {}, host: "127.0.0.1", port: sim.port } },
          policies: {
            auth: { secretRef: { name: "openai-key" } },
            tls: {
              caCertificateRefs: [{ name: "llm-ca" }],
              mtlsCertificateRef: [{ name: "client-cert" }],
              sni: "sim.test",
            },
          },
        },
      }),
    );
    await cp.apply(gatewayWithRouteYaml(NS, "secure", "secure"));
    await eventually(async () => {
      const c = cond((await getObj(cp, "agentgatewaybackend", NS, "secure")).status?.conditions, "Accepted");
      assert.equal(c.status, "True", JSON.stringify(c));
    });
    const token = await proxyToken(cp, NS, "gw");
    proxy = await startTestProxy({ snapshotUrl: op.snapshotUrl, gateway: `${NS}/gw`, token });
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
    assert.deepEqual(await chat(), { status: 502, code: "upstream_unreachable" });
    assert.equal(sim.requests.length, 0, "no request (and no key) reached the server");
  });

  it("the right CA, applied to the ConfigMap, reaches the running proxy: 200 with the client certificate", async () => {
    await cp.apply(caConfigMap(pem("test-ca.pem")));
    await eventually(async () => assert.equal((await chat()).status, 200));
    const rec = sim.lastRequest();
    assert.equal(rec?.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(rec?.tls, { servername: "sim.test", alpn: "http/1.1", clientCn: "gateway-client" });
  });

  it("a client certificate the server does not trust, applied to the Secret, fails closed", async () => {
    await cp.apply(clientSecret("stranger"));
    await eventually(async () =>
      assert.deepEqual(await chat(), { status: 502, code: "upstream_unreachable" }),
    );
    const n = sim.requests.length;
    assert.deepEqual(await chat(), { status: 502, code: "upstream_unreachable" });
    assert.equal(sim.requests.length, n, "the refused handshake carried no request");
  });

  it("a deleted ConfigMap is ConfigMapNotFound", async () => {
    assert.equal((await cp.kubectl(["delete", "configmap", "llm-ca", "-n", NS])).code, 0);
    await eventually(async () => {
      const c = cond(
        (await getObj(cp, "agentgatewaybackend", NS, "secure")).status?.conditions,
        "ResolvedRefs",
      );
      assert.equal(c.status, "False");
      assert.equal(c.reason, "ConfigMapNotFound");
      assert.equal(c.message, `spec.policies.tls.caCertificateRefs[0]: ConfigMap ${NS}/llm-ca not found`);
    });
  });

  it("never shows a PEM, a private key or the API key in status, events, logs or proxy output", async () => {
    const body = (f: string) =>
      pem(f)
        .split("\n")
        .filter((l) => l.length > 20 && !l.startsWith("-----"));
    const secrets = [
      KEY,
      ...body("client.key"),
      ...body("stranger.key"),
      ...body("client.pem"),
      "PRIVATE KEY",
    ];
    const places: Record<string, string> = { logs: op.output(), proxy: proxy?.output() ?? "" };
    for (const resource of ["gateways", "airoutes", "agentgatewaybackends", "events"]) {
      const r = await cp.kubectl(["get", resource, "-A", "-o", "json"]);
      assert.equal(r.code, 0, r.stderr);
      places[resource] = r.stdout;
    }
    assert.ok(places.logs?.includes("status written"), "the operator logs were captured");
    for (const [place, text] of Object.entries(places))
      for (const s of secrets) assert.equal(text.includes(s), false, `secret material appears in ${place}`);
  });
});
