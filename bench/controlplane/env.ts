// The control-plane bench's world: a real kube-apiserver + etcd (e2e harness), the simulator
// (in-process, so the bench can change the key it requires), the operator as a process
// (--no-provision --no-leader-elect) and a real proxy process connected with --port-map.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { proxyToken } from "../../e2e/operator/proxy-token.ts";
import { type Simulator, startSimulator } from "../../e2e/simulator/index.ts";
import { formatProxyArgs } from "../../gateway/src/flags.ts";
import { PROXY_NODE_FLAGS } from "../../operator/src/edges/proxy-node-options.ts";
import { CLI, COMPILE_CACHE, warmCompileCache } from "../aigateway/proxy.ts";
import { Unavailable } from "../contenders/types.ts";
import { freePort, HOST, waitForPort } from "../lib/net.ts";
import { NODE, REPO } from "../lib/paths.ts";
import { Proc } from "../lib/proc.ts";
import { registerSecret } from "../lib/redact.ts";
import { Kube } from "./kube.ts";
import { backend, GW, gateway, gatewayClass, NS, namespace, type Obj, secret } from "./manifests.ts";
import { closePoller } from "./poll.ts";

export type Env = {
  kube: Kube;
  sim: Simulator;
  operator: Proc;
  proxy: Proc;
  /** Base URL of the proxy's listener (Gateway port 80). */
  proxyUrl: string;
  operatorAdmin: string;
  snapshotUrl: string;
  token: string;
  stop(): Promise<void>;
};

export const SIM_BACKEND = "sim";

function apiPathOf(o: Obj): string {
  const [group, version] = String(o.apiVersion).includes("/")
    ? String(o.apiVersion).split("/")
    : ["", String(o.apiVersion)];
  const plural = `${String(o.kind).toLowerCase()}${String(o.kind).endsWith("s") ? "es" : "s"}`;
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  return o.metadata.namespace ? `${base}/namespaces/${o.metadata.namespace}/${plural}` : `${base}/${plural}`;
}

/** Creates `o` (409 = already there is fine). */
export async function create(kube: Kube, o: Obj): Promise<void> {
  await kube.must("POST", apiPathOf(o), o, [200, 201, 409]);
}

async function waitProgrammed(kube: Kube, timeoutMs: number): Promise<void> {
  const path = `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/gateways/${GW}`;
  const deadline = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < deadline) {
    const r = await kube.call("GET", path);
    const conds = (
      JSON.parse(r.body) as {
        status?: { conditions?: Array<{ type: string; status: string; reason?: string }> };
      }
    ).status?.conditions;
    const p = conds?.find((c) => c.type === "Programmed");
    if (p?.status === "True") return;
    last = p ? `${p.status} ${p.reason ?? ""}` : "no Programmed condition";
    await sleep(200);
  }
  throw new Error(`Gateway ${NS}/${GW} not Programmed after ${timeoutMs} ms (${last})`);
}

export async function startEnv(dir: string, initialKey: string): Promise<Env> {
  if (!existsSync(CLI)) throw new Unavailable("operator/src/cli.ts does not exist yet");
  if (!existsSync(join(REPO, "crds/agentgateway.dev_airoutes.yaml"))) {
    throw new Unavailable("crds/ is not generated yet (npm run gen)");
  }
  mkdirSync(dir, { recursive: true });
  const { startControlPlane } = await import("../../e2e/harness/control-plane.ts");
  const cp = await startControlPlane();
  const kube = new Kube(cp);
  registerSecret(initialKey);
  const sim = await startSimulator({ requireKey: initialKey });
  const procs: Proc[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await p.stop();
    closePoller();
    kube.close();
    await sim.close();
    await cp.stop();
  };
  try {
    const simAddr = { host: HOST, port: sim.port };
    for (const o of [
      namespace(NS),
      gatewayClass(),
      gateway(),
      secret(initialKey),
      backend(SIM_BACKEND, simAddr),
    ]) {
      await create(kube, o);
    }
    // The proxy's identity: a token of the Gateway's ServiceAccount for the snapshot audience.
    const token = registerSecret(await proxyToken(cp, NS, GW));
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, token, { mode: 0o600 });
    const [snapPort, opAdmin, proxyPort, proxyAdmin] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    // Both processes start as they do from the image: the operator with no Node flags, the proxy
    // with the provisioned proxies' flags, each on a compile cache warmed for its flags.
    warmCompileCache([]);
    warmCompileCache(PROXY_NODE_FLAGS);
    const env = {
      ...process.env,
      KUBECONFIG: cp.kubeconfigPath,
      LOG_LEVEL: "warn",
      NODE_COMPILE_CACHE: COMPILE_CACHE,
    };
    const operator = new Proc(
      "operator",
      NODE,
      [CLI, "operator", "--no-provision", "--no-leader-elect", "--snapshot-port", String(snapPort)].concat([
        "--admin-port",
        String(opAdmin),
        "--bind",
        HOST,
        // loopback: plain HTTP, so the propagation figures compare with earlier runs
        "--no-snapshot-tls",
        "--namespace",
        NS,
      ]),
      { env, cwd: dir },
    );
    procs.push(operator);
    await waitForPort(snapPort, 60_000, () => operator.running);
    const snapshotUrl = `http://${HOST}:${snapPort}`;
    const proxy = new Proc(
      "proxy",
      NODE,
      [
        ...PROXY_NODE_FLAGS,
        CLI,
        "proxy",
        ...formatProxyArgs({
          gateway: `${NS}/${GW}`,
          controlPlane: snapshotUrl,
          tokenFile,
          adminPort: proxyAdmin,
          portMap: { 80: proxyPort },
          bind: HOST,
        }),
      ],
      { env: { ...process.env, LOG_LEVEL: "warn", NODE_COMPILE_CACHE: COMPILE_CACHE }, cwd: dir },
    );
    procs.push(proxy);
    await waitProgrammed(kube, 60_000);
    await waitForPort(proxyPort, 10_000, () => proxy.running);
    return {
      kube,
      sim,
      operator,
      proxy,
      proxyUrl: `http://${HOST}:${proxyPort}/v1/chat/completions`,
      operatorAdmin: `http://${HOST}:${opAdmin}`,
      snapshotUrl,
      token,
      stop,
    };
  } catch (err) {
    const tails = procs.map((p) => `${p.name}: ${p.tail(400)}`).join("\n");
    await stop();
    throw new Error(`${(err as Error).message}\n${tails}`);
  }
}
