// `npm run dev`: the whole product on a local, real control plane. Starts etcd + kube-apiserver
// (with the Gateway API CRDs and ours), the GatewayClass `agentgateway`, the operator as a process,
// and one proxy process per Gateway of that class (listener port p served on p+8000 when p < 1024,
// e.g. 80 → 8080). Prints `KUBECONFIG=<path>` when ready; Ctrl-C tears everything down.
//
//   npm run dev                  providers are the real ones (put real keys in your Secrets)
//   npm run dev -- --simulator   DEV ONLY: providers' default endpoints go to the local simulator,
//                                so the seed walkthrough works offline with any key
import { type ChildProcess, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type ControlPlane, startControlPlane } from "../e2e/harness/control-plane.ts";
import { freePort } from "../e2e/harness/free-port.ts";
import { proxyToken } from "../e2e/operator/proxy-token.ts";
import { type Simulator, startSimulator } from "../e2e/simulator/index.ts";
import { formatProxyArgs, parsePortMap } from "../gateway/src/flags.ts";
import { localPortClashes } from "./lib/dev-ports.ts";

const { values } = parseArgs({
  options: {
    simulator: { type: "boolean", default: false },
    "snapshot-port": { type: "string", default: "15010" },
    "admin-port": { type: "string", default: "15020" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help) {
  console.log("Usage: npm run dev [-- --simulator] [--snapshot-port 15010] [--admin-port 15020]");
  process.exit(0);
}

const CLI = join(import.meta.dirname, "..", "operator", "src", "cli.ts");
const children = new Set<ChildProcess>();
let cp: ControlPlane | undefined;
let sim: Simulator | undefined;

function run(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ["ignore", "inherit", "inherit"] });
  children.add(child);
  child.on("exit", (code, signal) => {
    children.delete(child);
    if (!stopping) console.error(`dev: ${name} exited (${code ?? signal})`);
  });
  return child;
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const c of children) c.kill("SIGTERM");
  await new Promise((r) => setTimeout(r, 500));
  for (const c of children) c.kill("SIGKILL");
  await sim?.close();
  await cp?.stop();
}
process.once("SIGINT", () => void stop().then(() => process.exit(0)));
process.once("SIGTERM", () => void stop().then(() => process.exit(0)));

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/** Gateway listener port → local port: privileged ports move up by 8000 (80 → 8080). */
function localPort(port: number): number {
  return port < 1024 ? port + 8000 : port;
}

interface GatewayInfo {
  key: string;
  portMap: string;
}

async function ourGateways(control: ControlPlane): Promise<GatewayInfo[]> {
  const r = await control.kubectl(["get", "gateways.gateway.networking.k8s.io", "-A", "-o", "json"]);
  // the API server is unreachable: keep every proxy serving its last good config (no sync)
  if (r.code !== 0) throw new Error(`kubectl get gateways: ${r.stderr.trim()}`);
  const list = JSON.parse(r.stdout) as {
    items: {
      metadata: { namespace: string; name: string };
      spec: { gatewayClassName: string; listeners?: { port: number }[] };
    }[];
  };
  return list.items
    .filter((g) => g.spec.gatewayClassName === "agentgateway")
    .map((g) => ({
      key: `${g.metadata.namespace}/${g.metadata.name}`,
      portMap: [...new Set((g.spec.listeners ?? []).map((l) => l.port))]
        .sort((a, b) => a - b)
        .map((p) => `${p}=${localPort(p)}`)
        .join(","),
    }));
}

async function main(): Promise<void> {
  cp = await startControlPlane({ contextName: "ai-gateway-dev" });
  await cp.apply(`apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: agentgateway
spec:
  controllerName: agentgateway.dev/ai-gateway
  description: ai-gateway (local dev)
`);
  if (values.simulator) sim = await startSimulator({ port: 0 });
  const snapshotPort = Number(values["snapshot-port"]);
  const adminPort = Number(values["admin-port"]);
  const env = { ...process.env, KUBECONFIG: cp.kubeconfigPath };
  run(
    "operator",
    [
      "operator",
      "--no-provision",
      "--no-leader-elect",
      // local mode: the snapshot channel stays on 127.0.0.1, in plain HTTP (refused on any other bind)
      "--no-snapshot-tls",
      "--bind",
      "127.0.0.1",
      "--snapshot-port",
      String(snapshotPort),
      "--admin-port",
      String(adminPort),
      ...(sim ? ["--provider-override", sim.url] : []),
    ],
    env,
  );
  await waitReady(`http://127.0.0.1:${adminPort}/readyz`, 60_000);

  // One proxy process per Gateway, restarted when its listener ports change.
  const proxies = new Map<string, { child: ChildProcess; portMap: string }>();
  let reported = "";
  const syncProxies = async (): Promise<void> => {
    const want = await ourGateways(cp!);
    const clashes = localPortClashes(want);
    const text = clashes
      .map((c) => `local port ${c.port} is wanted by ${c.gateways.join(" and ")}`)
      .join("; ");
    if (text !== reported) {
      reported = text;
      if (text)
        console.error(
          `dev: ${text}: one proxy gets it, the others report it unavailable (Programmed=False PortUnavailable). Give the listeners different ports.`,
        );
    }
    for (const [key, p] of proxies) {
      const w = want.find((g) => g.key === key);
      if (!w || w.portMap !== p.portMap) {
        p.child.kill("SIGTERM");
        proxies.delete(key);
      }
    }
    for (const g of want) {
      if (proxies.has(g.key) || stopping) continue;
      // Each proxy proves it is its Gateway's ServiceAccount (TokenRequest API, 1 h, re-read on
      // every reconnect): the operator serves it only that Gateway.
      const [ns = "", name = ""] = g.key.split("/");
      const tokenFile = join(cp!.dir, `token-${ns}-${name}`);
      writeFileSync(tokenFile, await proxyToken(cp!, ns, name), { mode: 0o600 });
      const child = run(
        `proxy ${g.key}`,
        [
          "proxy",
          ...formatProxyArgs({
            gateway: g.key,
            controlPlane: `http://127.0.0.1:${snapshotPort}`,
            tokenFile,
            portMap: parsePortMap(g.portMap),
            adminPort: await freePort(),
          }),
        ],
        env,
      );
      proxies.set(g.key, { child, portMap: g.portMap });
      // A proxy that exits (e.g. its local port is taken) is started again on the next sync.
      child.once("exit", () => {
        if (proxies.get(g.key)?.child === child) proxies.delete(g.key);
      });
      console.log(`dev: proxy for Gateway ${g.key} serving ${g.portMap || "no listeners"}`);
    }
  };
  await syncProxies();
  const timer = setInterval(() => void syncProxies().catch(() => undefined), 1000);
  process.once("exit", () => clearInterval(timer));

  console.log(`
dev: control plane ${cp.server}, operator on :${snapshotPort} (admin :${adminPort})${sim ? `, simulator ${sim.url} (providers' default endpoints go there)` : ""}
dev: listener ports below 1024 are served on port + 8000 (80 → localhost:8080). Ctrl-C stops everything.
KUBECONFIG=${cp.kubeconfigPath}`);
}

main().catch(async (err: unknown) => {
  console.error(`dev: ${(err as Error).message}`);
  await stop();
  process.exit(1);
});
