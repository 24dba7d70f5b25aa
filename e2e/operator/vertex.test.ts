// Vertex AI through the whole stack: a real API server, the operator process and the real proxy
// process. The service-account key is a Secret applied with kubectl (the key file, as gcloud writes
// it, with the simulator's token endpoint as token_uri); the backend is Accepted naming the Secret,
// the proxy makes access tokens from the key and calls the simulated Vertex AI; rotating the
// Secret to another account's key switches the proxy to it; no key or token shows in operator
// logs, status, events, metrics or proxy output.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { type Simulator, simulatedReplyText, startSimulator } from "../simulator/index.ts";
import { testServiceAccount } from "../simulator/testing.ts";
import { cond, GATEWAY_CLASS_YAML, gatewayWithRouteYaml, getObj } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { startTestProxy, type TestProxy } from "./proxy-process.ts";
import { proxyToken } from "./proxy-token.ts";

const NS = "vertex-e2e";
const PROJECT = "vertex-e2e-proj";

describe("operator e2e: Vertex AI with a service-account key Secret", { timeout: 300_000 }, () => {
  const first = testServiceAccount(PROJECT, "gateway");
  const second = testServiceAccount(PROJECT, "rotated");
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({
      chunks: 3,
      gcpServiceAccounts: [first, second].map(({ clientEmail, publicKeyPem }) => ({
        clientEmail,
        publicKeyPem,
        projectId: PROJECT,
      })),
    });
    cp = await startControlPlane();
    op = await startOperatorProcess({ kubeconfigPath: cp.kubeconfigPath });
  });
  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await sim?.close();
  });

  const keySecret = (sa: typeof first) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "vertex-sa", namespace: NS },
      stringData: { "credentials.json": sa.keyJson(`${sim.url}/token`) },
    });

  async function chat(): Promise<string> {
    assert.ok(proxy);
    const res = await fetch(`http://127.0.0.1:${proxy.httpPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gemini-2.5-flash", messages: [{ role: "user", content: "hi" }] }),
    });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return (
      (JSON.parse(text) as { choices: { message: { content: string } }[] }).choices[0]?.message.content ?? ""
    );
  }

  /** client_email of the JWTs the token endpoint received, in order. */
  const assertionIssuers = (): string[] =>
    sim.requests
      .filter((r) => r.path === "/token" && typeof r.body === "string")
      .map((r) => {
        const jwt = new URLSearchParams(r.body as string).get("assertion") ?? "";
        return (JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString()) as { iss: string })
          .iss;
      });

  it("accepts the backend, programs the Gateway and serves a chat completion from Vertex Gemini", async () => {
    await cp.apply(GATEWAY_CLASS_YAML);
    assert.equal((await cp.kubectl(["create", "namespace", NS])).code, 0);
    await cp.apply(keySecret(first));
    await cp.apply(
      JSON.stringify({
        apiVersion: "agentgateway.dev/v1alpha1",
        kind: "AgentgatewayBackend",
        metadata: { name: "vertex", namespace: NS },
        spec: {
          ai: {
            provider: {
              vertexai: { projectId: PROJECT, region: "us-east5" },
              host: "127.0.0.1",
              port: sim.port,
              plaintext: true,
            },
          },
          policies: { auth: { gcp: { secretRef: { name: "vertex-sa" } } } },
        },
      }),
    );
    await cp.apply(gatewayWithRouteYaml(NS, "vertex", "vertex"));
    await eventually(async () => {
      const c = cond((await getObj(cp, "agentgatewaybackend", NS, "vertex")).status?.conditions, "Accepted");
      assert.equal(c.status, "True", JSON.stringify(c));
      assert.equal(
        c.message,
        `backend is valid; credential: Google service-account key in Secret ${NS}/vertex-sa key "credentials.json" (access tokens made by the proxy)`,
      );
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
    assert.equal(await chat(), simulatedReplyText(3));
    const call = sim.requests.find((r) => r.path.startsWith("/v1/projects/"));
    assert.equal(
      call?.path,
      `/v1/projects/${PROJECT}/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent`,
    );
    assert.match(call?.headers.authorization ?? "", /^Bearer ya29\./);
    assert.deepEqual(assertionIssuers(), [first.clientEmail]);
  });

  it("a key Secret that is not a service-account key: InvalidSecret naming the field", async () => {
    await cp.apply(
      JSON.stringify({
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "not-a-key", namespace: NS },
        stringData: { "credentials.json": '{"type":"authorized_user","refresh_token":"1//secret-refresh"}' },
      }),
    );
    await cp.apply(
      JSON.stringify({
        apiVersion: "agentgateway.dev/v1alpha1",
        kind: "AgentgatewayBackend",
        metadata: { name: "vertex-bad", namespace: NS },
        spec: {
          ai: { provider: { vertexai: { projectId: PROJECT } } },
          policies: { auth: { gcp: { secretRef: { name: "not-a-key" } } } },
        },
      }),
    );
    await eventually(async () => {
      const c = cond(
        (await getObj(cp, "agentgatewaybackend", NS, "vertex-bad")).status?.conditions,
        "Accepted",
      );
      assert.equal(c.status, "False");
      assert.equal(c.reason, "InvalidSecret");
      assert.match(c.message, /"type" is not "service_account"/);
    });
  });

  it("rotating the Secret to another account's key switches the proxy to it", async () => {
    await cp.apply(keySecret(second));
    await eventually(async () => {
      await chat();
      assert.equal(assertionIssuers().at(-1), second.clientEmail);
    });
    const before = assertionIssuers().length;
    await chat();
    assert.equal(assertionIssuers().length, before, "the new key's token is cached");
  });

  it("never shows the key or a token in operator logs, status, events, metrics or proxy output", async () => {
    const pemLines = (pem: string) => pem.split("\n").filter((l) => l !== "" && !l.startsWith("-----"));
    const tokens = sim.requests
      .map((r) => /^Bearer (.+)$/.exec(r.headers.authorization ?? "")?.[1])
      .filter((t): t is string => t !== undefined);
    assert.ok(tokens.length >= 2);
    const secrets = [
      ...pemLines(first.privateKeyPem),
      ...pemLines(second.privateKeyPem),
      ...tokens,
      "1//secret-refresh",
    ];
    const places: Record<string, string> = {
      logs: op.output(),
      metrics: await op.metrics(),
      proxy: proxy?.output() ?? "",
    };
    for (const resource of ["gateways", "airoutes", "agentgatewaybackends", "events"]) {
      const r = await cp.kubectl(["get", resource, "-A", "-o", "json"]);
      assert.equal(r.code, 0, r.stderr);
      places[resource] = r.stdout;
    }
    assert.ok(places.logs?.includes("status written"), "the operator logs were captured");
    for (const [place, text] of Object.entries(places)) {
      for (const s of secrets) assert.equal(text.includes(s), false, `a secret appears in ${place}`);
    }
  });
});
