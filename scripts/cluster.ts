// Local development control plane (etcd + kube-apiserver with the Gateway API and our CRDs) that
// outlives the command. State lives in <repo>/.cluster/ (gitignored), or $AI_GATEWAY_CLUSTER_DIR.
//
//   npm run cluster:up      start it, or reuse the running one; last line: KUBECONFIG=<path>
//   npm run cluster:up -- --node   the same plus a real node (scripts/node/cluster.ts): Pods run
//   npm run -s cluster:exec -- <cmd...>   run a command inside the node's network namespace
//   npm run cluster:down    stop it and remove its state (fine when nothing runs)
//   node scripts/cluster.ts status
//
// Without --node there are no nodes and no controllers (no kube-controller-manager): objects are
// stored and validated, nothing runs Pods or garbage-collects. The GatewayClass is not created here.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { controlPlaneStatus, destroyControlPlane, startControlPlane } from "../e2e/harness/control-plane.ts";
import { ensureBinaries } from "./lib/binaries.ts";
import { repoRoot } from "./lib/versions.ts";
import { isNodeCluster, nodeDown, nodeExec, nodeRunning, nodeUp } from "./node/cluster.ts";

function clusterDir(): string {
  const fromEnv = process.env.AI_GATEWAY_CLUSTER_DIR;
  return fromEnv && fromEnv !== "" ? resolve(fromEnv) : join(repoRoot, ".cluster");
}

async function up(dir: string): Promise<void> {
  await ensureBinaries();
  const cp = await startControlPlane({ dir, persistent: true });
  const t = cp.timings;
  console.error(
    t.reused
      ? `cluster: reusing ${cp.server} (CRDs re-applied in ${t.crdsMs} ms)`
      : `cluster: ${cp.server} ready in ${t.readyMs} ms, CRDs Established after ${t.totalMs} ms`,
  );
  console.error(`cluster: state and logs in ${cp.dir}; stop with \`npm run cluster:down\``);
  console.log(`KUBECONFIG=${cp.kubeconfigPath}`);
}

async function upNode(dir: string): Promise<void> {
  if (existsSync(join(dir, "state.json"))) {
    throw new Error(`${dir} holds a control plane without a node: npm run cluster:down first`);
  }
  const started = performance.now();
  const r = await nodeUp(dir);
  console.error(
    r.reused
      ? `cluster: reusing the node cluster in ${dir}`
      : `cluster: node Ready and CoreDNS up in ${Math.round(performance.now() - started)} ms (${JSON.stringify(r.timings)})`,
  );
  console.error(`cluster: logs in ${join(dir, "logs")}; stop with \`npm run cluster:down\``);
  console.log(`KUBECONFIG=${r.kubeconfig}`);
}

async function down(dir: string): Promise<void> {
  if (isNodeCluster(dir)) {
    await nodeDown(dir);
    console.error(`cluster: node cluster stopped, host restored, removed ${dir}`);
    return;
  }
  const existed = await destroyControlPlane(dir);
  console.error(existed ? `cluster: stopped, removed ${dir}` : `cluster: nothing at ${dir}`);
}

async function status(dir: string): Promise<number> {
  const s = await controlPlaneStatus(dir);
  if (s.state === "absent") {
    console.log(`cluster: absent (${dir})`);
    return 1;
  }
  console.log(`cluster: ${s.state} ${s.server} pids=${JSON.stringify(s.pids)}`);
  console.log(`KUBECONFIG=${s.kubeconfigPath}`);
  return s.state === "running" ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const dir = clusterDir();
  switch (argv[0]) {
    case "up":
      if (argv.includes("--node")) await upNode(dir);
      else if (isNodeCluster(dir) && nodeRunning(dir)) await upNode(dir);
      else await up(dir);
      return 0;
    case "exec":
      if (argv.length < 2) {
        console.error("usage: npm run -s cluster:exec -- <command> [args...]");
        return 2;
      }
      return nodeExec(dir, argv.slice(1));
    case "down":
      await down(dir);
      return 0;
    case "status":
      return status(dir);
    default:
      console.error("usage: node scripts/cluster.ts up [--node]|down|status|exec <command...>");
      return 2;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  console.error(`cluster: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
