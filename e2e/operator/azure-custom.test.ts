// Azure client credentials and a custom provider through the whole stack: a real API server, the
// operator process (with the dev-only --provider-override pointing every default host at the
// simulator, the only way the Entra token endpoint moves) and the real proxy process. The Entra
// app registration is a Secret applied with kubectl; the proxy gets one token at the simulated
// Entra endpoint for many requests and calls the simulated Azure OpenAI with it; rotating the
// Secret to a wrong client secret turns requests into 502s without the secret anywhere. A custom
// provider's backendRef to a real Service becomes {name}.{namespace}.svc:{port} in the proxy's
// configuration; an InferencePool is refused as not supported.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { cond, GATEWAY_CLASS_YAML, gatewayYaml, getObj } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { startTestProxy, type TestProxy } from "./proxy-process.ts";
import { proxyToken } from "./proxy-token.ts";

const NS = "azure-custom-e2e";
const APP = {
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientId: "app-e2e",
  clientSecret: "Zx8Q~op-e2e-secret-1",
};
const WRONG_SECRET = "Zx8Q~op-e2e-wrong-2";
const msg = [{ role: "user" as const, content: "hi" }];

describe("operator e2e: Azure client credentials and a custom provider", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ chunks: 3, entraApps: [APP] });
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

  const appSecret = (clientSecret: string) =>
    JSON.stringify({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "entra-app", namespace: NS },
      stringData: { clientID: APP.clientId, tenantID: APP.tenantId, clientSecret },
    });
  const client = () =>
    new OpenAI({ baseURL: `http://127.0.0.1:${proxy?.httpPort}/azure/v1`, apiKey: "unused", maxRetries: 0 });
  const tokenRequests = () => sim.requests.filter((r) => r.path === `/${APP.tenantId}/oauth2/v2.0/token`);

  it("accepts both backends, and the proxy calls Azure OpenAI with one Entra token", async () => {
    await cp.apply(GATEWAY_CLASS_YAML);
    assert.equal((await cp.kubectl(["create", "namespace", NS])).code, 0);
    await cp.apply(appSecret(APP.clientSecret));
    await cp.apply(`apiVersion: v1
kind: Service
metadata:
  name: vllm
  namespace: ${NS}
spec:
  ports:
    - name: http
      port: 8000
      targetPort: 8000
---
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: azure
  namespace: ${NS}
spec:
  ai:
    provider:
      azureopenai:
        endpoint: my-resource.openai.azure.com
  policies:
    auth:
      azure:
        secretRef:
          name: entra-app
---
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: vllm
  namespace: ${NS}
spec:
  ai:
    provider:
      custom:
        backendRef:
          name: vllm
          port: 8000
        model: gpt-oss-20b
        formats:
          - type: Completions
          - type: Messages
---
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: pool
  namespace: ${NS}
spec:
  ai:
    provider:
      custom:
        backendRef:
          group: inference.networking.k8s.io
          kind: InferencePool
          name: pool
        formats:
          - type: Completions
---
${gatewayYaml(NS)}---
apiVersion: agentgateway.dev/v1alpha1
kind: AIRoute
metadata:
  name: azure
  namespace: ${NS}
spec:
  parentRefs:
    - name: gw
  rules:
    - matches:
        - path:
            type: PathPrefix
            value: /azure
      backendRefs:
        - name: azure
    - matches:
        - path:
            type: PathPrefix
            value: /vllm
      backendRefs:
        - name: vllm
`);
    await eventually(async () => {
      const azure = cond(
        (await getObj(cp, "agentgatewaybackend", NS, "azure")).status?.conditions,
        "Accepted",
      );
      assert.equal(azure.status, "True", JSON.stringify(azure));
      assert.equal(
        azure.message,
        `backend is valid; credential: Azure app registration in Secret ${NS}/entra-app (Entra ID access tokens made by the proxy)`,
      );
      const vllm = cond((await getObj(cp, "agentgatewaybackend", NS, "vllm")).status?.conditions, "Accepted");
      assert.equal(vllm.status, "True", JSON.stringify(vllm));
      const pool = cond((await getObj(cp, "agentgatewaybackend", NS, "pool")).status?.conditions, "Accepted");
      assert.equal(pool.status, "False");
      assert.equal(pool.reason, "UnsupportedValue");
      assert.match(pool.message, /spec\.ai\.provider\.custom\.backendRef: InferencePool is not supported/);
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
    for (let i = 0; i < 4; i++) {
      const chat = await client().chat.completions.create({ model: "gpt-4o-mini", messages: msg });
      assert.equal(chat.object, "chat.completion");
    }
    const call = sim.requests.find((r) => r.path === "/openai/v1/chat/completions");
    assert.match(call?.headers.authorization ?? "", /^Bearer eyJ/);
    assert.equal(tokenRequests().length, 1, "one token for every request");
    assert.equal(sim.entraTokensIssued(), 1);
  });

  it("the custom provider's Service backendRef is {name}.{namespace}.svc:{port} over plain HTTP", async () => {
    assert.ok(proxy);
    const dump = (await (await fetch(`http://127.0.0.1:${proxy.adminPort}/config_dump`)).json()) as {
      backends: {
        ref: string;
        groups: { host: string; port: number; tls: boolean; kind: string; model?: string }[][];
      }[];
    };
    const vllm = dump.backends.find((b) => b.ref === `${NS}/vllm`)?.groups[0]?.[0];
    assert.deepEqual(
      { host: vllm?.host, port: vllm?.port, tls: vllm?.tls, kind: vllm?.kind, model: vllm?.model },
      { host: `vllm.${NS}.svc`, port: 8000, tls: false, kind: "openai", model: "gpt-oss-20b" },
    );
  });

  it("a wrong client secret in the rotated Secret: 502 without the secret; nothing leaks anywhere", async () => {
    await cp.apply(appSecret(WRONG_SECRET));
    await eventually(async () => {
      const err = await client()
        .chat.completions.create({ model: "gpt-4o-mini", messages: msg })
        .catch((e: unknown) => e);
      assert.ok(err instanceof OpenAI.APIError, String(err));
      assert.equal(err.status, 502);
      assert.equal(err.code, "upstream_credential_failed");
      assert.ok(!JSON.stringify(err.error).includes(WRONG_SECRET));
    });
    assert.ok(proxy?.output().includes("invalid_client"), "the proxy logged why");
    const tokens = sim.requests
      .map((r) => /^Bearer (.+)$/.exec(r.headers.authorization ?? "")?.[1])
      .filter((t): t is string => t !== undefined);
    const places: Record<string, string> = {
      logs: op.output(),
      metrics: await op.metrics(),
      proxy: proxy?.output() ?? "",
    };
    for (const resource of ["agentgatewaybackends", "events"]) {
      const r = await cp.kubectl(["get", resource, "-A", "-o", "json"]);
      assert.equal(r.code, 0, r.stderr);
      places[resource] = r.stdout;
    }
    for (const [place, text] of Object.entries(places)) {
      for (const s of [APP.clientSecret, WRONG_SECRET, ...tokens])
        assert.equal(text.includes(s), false, `a secret appears in ${place}`);
    }
  });
});
