// Migration end to end: the kgateway and Gloo manifests of seeds 000-002 (the corpus in
// operator/src/convert/testdata) go through the real `ai-gateway convert` command, are applied with
// the real kubectl to a real API server, become Accepted under the operator process, and the seeds'
// documented requests work through real proxies against the simulator.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse, stringify } from "yaml";
import { redirectHostsToSimulator } from "../examples/redirect-hosts.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { cond, GATEWAY_CLASS_YAML, getObj, routeCond } from "../operator/k8s.ts";
import { CLI, type OperatorProcess, REPO_ROOT, startOperatorProcess } from "../operator/operator-process.ts";
import { startTestProxy, type TestProxy } from "../operator/proxy-process.ts";
import { proxyToken } from "../operator/proxy-token.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";

const CORPUS = join(REPO_ROOT, "operator/src/convert/testdata");
const SEEDS = ["kgateway-seed-000.golden.yaml", "kgateway-seed-002.golden.yaml", "gloo-seed-001.golden.yaml"];
const GOOGLE_KEY = "google-test-key-0001";
const AZURE_KEY = "azure-test-key-0001";
const GLOO_SECRET_KEY = "sk-gloo-secret-0001";

/** What the seeds' set-up guides create around the manifests (namespaces, Gateways, Secrets). */
const SETUP = `apiVersion: v1
kind: Namespace
metadata: { name: kgateway-system }
---
apiVersion: v1
kind: Namespace
metadata: { name: gloo-system }
---
apiVersion: v1
kind: Namespace
metadata: { name: llm-keys }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ai-gateway, namespace: gloo-system }
spec:
  gatewayClassName: gloo-gateway
  listeners: [{ name: http, port: 8080, protocol: HTTP, allowedRoutes: { namespaces: { from: Same } } }]
---
apiVersion: v1
kind: Secret
metadata: { name: google-secret, namespace: kgateway-system }
stringData: { Authorization: ${GOOGLE_KEY} }
---
apiVersion: v1
kind: Secret
metadata: { name: azure-openai-secret, namespace: kgateway-system }
stringData: { api-key: ${AZURE_KEY} }
---
apiVersion: v1
kind: Secret
metadata: { name: anthropic-secret, namespace: llm-keys }
stringData: { Authorization: ${GLOO_SECRET_KEY} }
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: gloo-backends, namespace: llm-keys }
spec:
  from: [{ group: agentgateway.dev, kind: AgentgatewayBackend, namespace: gloo-system }]
  to: [{ group: "", kind: Secret }]
---
apiVersion: v1
kind: Secret
metadata: { name: local-secret, namespace: gloo-system }
stringData: { Authorization: ${GLOO_SECRET_KEY} }
---
apiVersion: v1
kind: Secret
metadata: { name: openai-secret, namespace: gloo-system }
stringData: { Authorization: ${GLOO_SECRET_KEY} }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: azure-openai, namespace: kgateway-system }
spec:
  parentRefs: [{ name: ai-gateway, namespace: kgateway-system }]
  rules:
    - matches: [{ path: { type: PathPrefix, value: /azure-openai } }]
      backendRefs: [{ name: azure-openai, namespace: kgateway-system, group: gateway.kgateway.dev, kind: Backend }]
`;

describe("migration e2e: seeds 000-002 through ai-gateway convert", { timeout: 300_000 }, () => {
  let sim: Simulator;
  let cp: ControlPlane;
  let op: OperatorProcess;
  const proxies: TestProxy[] = [];
  let dir = "";

  before(async () => {
    sim = await startSimulator({});
    cp = await startControlPlane();
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      extraArgs: ["--provider-override", sim.url],
    });
    dir = await mkdtemp(join(tmpdir(), "aigw-convert-"));
  });
  after(async () => {
    for (const p of proxies) await p.stop();
    await op?.stop();
    await cp?.stop();
    await sim?.close();
  });

  it("converts the seeds' manifests with the real command: exit 0, every object kept", async () => {
    const input = join(dir, "input");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(input);
    for (const seed of SEEDS) {
      const golden = parse(await readFile(join(CORPUS, seed), "utf8")) as { input: unknown[] };
      await writeFile(
        join(input, seed.replace(".golden", "")),
        golden.input.map((o) => stringify(o)).join("---\n"),
      );
    }
    await writeFile(join(input, "00-setup.yaml"), SETUP);
    const r = spawnSync(process.execPath, [CLI, "convert", "-f", input], {
      cwd: REPO_ROOT,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, "");
    const out = join(dir, "out");
    await mkdir(out);
    await writeFile(join(out, "converted.yaml"), r.stdout);
    // explicit provider hosts (seed 002's hostOverride, Gloo's customHost) point at the simulator
    const redirected = await redirectHostsToSimulator(out, Number(new URL(sim.url).port));
    assert.deepEqual(redirected.map((x) => x.from).sort(), ["apic.ocp.provider.com", "llm.internal.example"]);
    assert.ok(!/kgateway\.dev|gloo\.solo\.io/.test(await readFile(join(out, "converted.yaml"), "utf8")));
  });

  it("applies with kubectl; every backend and route is Accepted with resolved refs", async () => {
    await cp.apply(GATEWAY_CLASS_YAML);
    const r = await cp.kubectl(["apply", "-f", join(dir, "out", "converted.yaml")]);
    assert.equal(r.code, 0, r.stderr);
    const backends: [string, string][] = [
      ["kgateway-system", "openai-inline"],
      ["kgateway-system", "openai"],
      ["kgateway-system", "openai-passthrough"],
      ["kgateway-system", "google"],
      ["kgateway-system", "azure-openai"],
      ["gloo-system", "openai"],
      ["gloo-system", "openai-passthrough"],
      ["gloo-system", "anthropic"],
      ["gloo-system", "failover"],
    ];
    await eventually(
      async () => {
        for (const [ns, name] of backends) {
          const b = await getObj(cp, "agentgatewaybackend", ns, name);
          for (const type of ["Accepted", "ResolvedRefs"]) {
            const c = cond(b.status?.conditions, type);
            assert.equal(c.status, "True", `${ns}/${name} ${type}: ${c.reason} ${c.message}`);
          }
        }
        for (const [ns, name] of [
          ["kgateway-system", "openai"],
          ["kgateway-system", "google"],
          ["kgateway-system", "azure-openai"],
          ["gloo-system", "openai"],
        ] as const) {
          const route = await getObj(cp, "httproute", ns, name);
          for (const type of ["Accepted", "ResolvedRefs"])
            assert.equal(routeCond(route, type).status, "True", `${ns}/${name} ${type}`);
        }
      },
      { timeoutMs: 60_000 },
    );
  });

  it("the seeds' documented requests work through the proxies", async () => {
    for (const ns of ["kgateway-system", "gloo-system"]) {
      const token = await proxyToken(cp, ns, "ai-gateway");
      proxies.push(
        await startTestProxy({
          snapshotUrl: op.snapshotUrl,
          gateway: `${ns}/ai-gateway`,
          token,
          listenerPort: 8080,
        }),
      );
    }
    const [kgw, gloo] = proxies.map((p) => `http://127.0.0.1:${p.httpPort}`);
    const chat = {
      model: "gpt-3.5-turbo",
      messages: [
        { role: "system", content: "You are a poetic assistant." },
        { role: "user", content: "Compose a poem that explains the concept of recursion in programming." },
      ],
    };
    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      });

    // seed 000: curl "$GW:8080/openai" (SecretRef backend behind a ReplaceFullPath rewrite)
    await eventually(async () => {
      sim.reset();
      const res = await post(`${kgw}/openai`, chat);
      assert.equal(res.status, 200, await res.text());
      assert.equal(sim.lastRequest()?.path, "/v1/chat/completions");
      assert.equal(sim.lastRequest()?.headers.authorization, "Bearer sk-secret-test-0001");
    });
    // seed 002: curl "$GW:8080/gemini" with a native Gemini body
    sim.reset();
    const gem = await post(`${kgw}/gemini`, {
      contents: [{ parts: [{ text: "Explain how AI works in a few words" }] }],
    });
    assert.equal(gem.status, 200, await gem.text());
    assert.equal(sim.lastRequest()?.path, "/v1beta/models/gemini-1.5-flash-latest:generateContent");
    assert.equal(sim.lastRequest()?.headers["x-goog-api-key"], GOOGLE_KEY);
    // seed 002: the OpenAI-compatible service: its full path and the api-key header without prefix
    sim.reset();
    const az = await post(`${kgw}/azure-openai`, {
      messages: [{ role: "user", content: "Hello" }],
      max_tokens: 100,
    });
    await az.body?.cancel();
    assert.equal(sim.lastRequest()?.path, "/my-openai-service/gpt35/chat/completions");
    assert.equal(sim.lastRequest()?.headers["api-key"], AZURE_KEY);
    // seed 001: curl "$GW:8080/openai" on Gloo's gateway, inline token
    sim.reset();
    const g = await post(`${gloo}/openai`, chat);
    assert.equal(g.status, 200, await g.text());
    assert.equal(sim.lastRequest()?.headers.authorization, "Bearer sk-gloo-inline-0001");
  });
});
