// A small real world for the dashboards: a real control plane, the operator and one proxy as local
// processes (the product's CLI), and the provider simulator; then traffic that moves every panel:
// plain and streaming chat completions, a provider 5xx, an unreachable backend, and a request
// killed by deleting its route while it is in flight.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { freePort, LOOPBACK } from "../harness/free-port.ts";
import { sleep } from "../harness/process.ts";
import { startCli } from "../helm/cli-process.ts";
import { proxyToken } from "../operator/proxy-token.ts";

const NS = "dashboards";
const GATEWAY = "gw";
const PROVIDER_KEY = "sk-dashboards-e2e-provider-key-0123456789";

export type Scenario = {
  /** host:port of the operator's and the proxy's admin servers (/metrics). */
  operatorAdmin: string;
  proxyAdmin: string;
  /** Values that must never show up in metrics or logs. */
  secrets: string[];
  traffic(): Promise<void>;
};

function manifests(simPort: number, closedPort: number): string {
  const backend = (name: string, port: number) => `
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata: { name: ${name}, namespace: ${NS} }
spec:
  ai:
    provider:
      openai: { model: gpt-4o-mini }
      host: ${LOOPBACK}
      port: ${port}
      plaintext: true
  policies:
    auth:
      secretRef: { name: provider-key, namespace: ${NS} }
`;
  const route = (name: string, backendName: string, model?: string) => `
apiVersion: agentgateway.dev/v1alpha1
kind: AIRoute
metadata: { name: ${name}, namespace: ${NS} }
spec:
  parentRefs: [{ name: ${GATEWAY} }]
  rules:
    - ${model ? `matches: [{ model: "${model}" }]\n      ` : ""}backendRefs: [{ name: ${backendName} }]
      retry: { attempts: 0 }
`;
  return [
    `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: agentgateway }
spec: { controllerName: agentgateway.dev/ai-gateway }
`,
    `
apiVersion: v1
kind: Namespace
metadata: { name: ${NS} }
`,
    `
apiVersion: v1
kind: Secret
metadata: { name: provider-key, namespace: ${NS} }
stringData: { apiKey: ${PROVIDER_KEY} }
`,
    backend("sim", simPort),
    backend("unreachable", closedPort),
    `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${GATEWAY}, namespace: ${NS} }
spec:
  gatewayClassName: agentgateway
  listeners: [{ name: http, port: 80, protocol: HTTP }]
`,
    route("chat", "sim"),
    // a per-team (namespace) token budget far above the scenario's traffic: spend panels have data
    `
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayPolicy
metadata: { name: team-budget, namespace: ${NS} }
spec:
  targetRefs: [{ group: agentgateway.dev, kind: AIRoute, name: chat }]
  budgets: [{ tokens: 100000000, period: Day, key: { type: Namespace } }]
`,
    route("broken", "unreachable", "broken-*"),
    route("slow", "sim", "slow-*"),
  ].join("---");
}

type ChatOptions = { model: string; stream: boolean; signal?: AbortSignal };

async function chat(base: string, opts: ChatOptions): Promise<number> {
  const res = await fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: opts.model,
      stream: opts.stream,
      messages: [{ role: "user", content: "Say hello in five words." }],
    }),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  await res.arrayBuffer();
  return res.status;
}

export async function runTrafficScenario(opts: {
  tmp: string;
  onStop: (stop: () => Promise<void>) => void;
}): Promise<Scenario> {
  const { startSimulator } = await import("../simulator/index.ts");
  const cp = await startControlPlane();
  opts.onStop(() => cp.stop());
  const sim = await startSimulator({ chunks: 8, ttftMs: 20, interTokenMs: 5, requireKey: PROVIDER_KEY });
  opts.onStop(() => sim.close());

  const [snapshotPort, operatorAdmin, proxyAdmin, listener, closedPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const operator = startCli({
    name: "operator",
    args: [
      "operator",
      "--no-provision",
      "--no-leader-elect",
      `--snapshot-port=${snapshotPort}`,
      `--admin-port=${operatorAdmin}`,
      `--bind=${LOOPBACK}`,
      // plain HTTP on loopback (the channel's TLS is tested in e2e/operator/snapshot-tls.test.ts)
      "--no-snapshot-tls",
      "--namespace=default",
    ],
    logPath: join(opts.tmp, "operator.log"),
    env: { KUBECONFIG: cp.kubeconfigPath },
  });
  opts.onStop(() => operator.stop());
  await operator.waitHttpOk(`http://${LOOPBACK}:${operatorAdmin}/healthz`);
  await cp.apply(manifests(sim.port, closedPort));
  // The proxy's identity: a token of the Gateway's ServiceAccount for the snapshot audience.
  const streamToken = await proxyToken(cp, NS, GATEWAY);
  const tokenFile = join(opts.tmp, "stream-token");
  writeFileSync(tokenFile, streamToken, { mode: 0o600 });

  const proxy = startCli({
    name: "proxy",
    args: [
      "proxy",
      `--gateway=${NS}/${GATEWAY}`,
      `--control-plane=http://${LOOPBACK}:${snapshotPort}`,
      `--token-file=${tokenFile}`,
      `--admin-port=${proxyAdmin}`,
      `--port-map=80=${listener}`,
      `--bind=${LOOPBACK}`,
    ],
    logPath: join(opts.tmp, "proxy.log"),
  });
  opts.onStop(() => proxy.stop());
  try {
    await proxy.waitHttpOk(`http://${LOOPBACK}:${proxyAdmin}/ready`);
  } catch (err) {
    throw new Error(
      `${err instanceof Error ? err.message : String(err)}\n--- operator log:\n${operator.logTail()}`,
    );
  }
  const base = `http://${LOOPBACK}:${listener}`;

  const traffic = async () => {
    await eventually(async () => {
      if ((await chat(base, { model: "gpt-4o-mini", stream: false })) !== 200)
        throw new Error("route not served yet");
    });
    for (let i = 0; i < 4; i++) await chat(base, { model: "gpt-4o-mini", stream: false });
    for (let i = 0; i < 4; i++) await chat(base, { model: "gpt-4o-mini", stream: true });
    sim.injectFault({ kind: "status", status: 500 }, { count: 1 });
    await chat(base, { model: "gpt-4o-mini", stream: false });
    await chat(base, { model: "broken-1", stream: false });
    await killOne();
  };

  const killOne = async () => {
    sim.injectFault({ kind: "hang" }, { count: 1 });
    const before = sim.requests.length;
    const inflight = chat(base, { model: "slow-1", stream: true, signal: AbortSignal.timeout(30_000) }).catch(
      () => 0,
    );
    await eventually(() => {
      if (sim.requests.length <= before) throw new Error("the slow request has not reached the provider");
    });
    await cp.kubectl(["delete", "airoute", "slow", "-n", NS]);
    await inflight;
    await sleep(100);
  };

  return {
    operatorAdmin: `${LOOPBACK}:${operatorAdmin}`,
    proxyAdmin: `${LOOPBACK}:${proxyAdmin}`,
    secrets: [PROVIDER_KEY, streamToken],
    traffic,
  };
}
