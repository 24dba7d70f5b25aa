// `node scripts/cluster.ts up|status|down` as a developer runs it: the cluster outlives the
// command, a second `up` reuses it, `down` ends it and is fine to repeat. Uses a temp state dir
// ($AI_GATEWAY_CLUSTER_DIR) so a developer's own .cluster/ is never touched.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { repoRoot } from "../../scripts/lib/versions.ts";
import { runKubectl } from "./kubectl.ts";
import { pidAlive } from "./process.ts";
import { readState } from "./state.ts";

const scratch = mkdtempSync(join(tmpdir(), "ai-gateway-cluster-test-"));
const dir = join(scratch, "cluster");

function cluster(cmd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [join(repoRoot, "scripts", "cluster.ts"), cmd], {
      env: { ...process.env, AI_GATEWAY_CLUSTER_DIR: dir },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code: code ?? 1, stdout, stderr }));
  });
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}

describe("scripts/cluster.ts", () => {
  after(async () => {
    if (existsSync(dir)) await cluster("down");
    rmSync(scratch, { recursive: true, force: true });
  });

  it("up starts a cluster that outlives the command; up again reuses it", async () => {
    const first = await cluster("up");
    assert.equal(first.code, 0, first.stderr);
    const kubeconfig = join(dir, "kubeconfig");
    assert.equal(lastLine(first.stdout), `KUBECONFIG=${kubeconfig}`);
    const state = readState(join(dir, "state.json"));
    assert.ok(state?.pids.etcd && state.pids.apiServer);
    assert.ok(pidAlive(state.pids.apiServer), "kube-apiserver did not outlive `up`");

    const second = await cluster("up");
    assert.equal(second.code, 0, second.stderr);
    assert.equal(lastLine(second.stdout), `KUBECONFIG=${kubeconfig}`);
    assert.match(second.stderr, /reusing/);
    assert.deepEqual(readState(join(dir, "state.json"))?.pids, state.pids);

    const target = { kubeconfigPath: kubeconfig, cacheDir: join(scratch, "kubectl-cache") };
    const resources = await runKubectl(target, ["api-resources", "-o", "name"]);
    assert.equal(resources.code, 0, resources.stderr);
    assert.match(resources.stdout, /^gateways\.gateway\.networking\.k8s\.io$/m);
    assert.match(readFileSync(kubeconfig, "utf8"), /current-context: ai-gateway-dev/);

    const status = await cluster("status");
    assert.equal(status.code, 0, status.stdout);
    assert.match(status.stdout, /cluster: running https:\/\/127\.0\.0\.1:\d+/);
  });

  it("up restarts a cluster whose processes died, keeping its data", async () => {
    const kubeconfig = join(dir, "kubeconfig");
    const target = { kubeconfigPath: kubeconfig, cacheDir: join(scratch, "kubectl-cache") };
    const created = await runKubectl(target, ["create", "namespace", "survives-restart"]);
    assert.equal(created.code, 0, created.stderr);
    const state = readState(join(dir, "state.json"));
    assert.ok(state?.pids.etcd && state.pids.apiServer);
    process.kill(state.pids.apiServer, "SIGKILL");
    process.kill(state.pids.etcd, "SIGKILL");

    const stopped = await cluster("status");
    assert.equal(stopped.code, 1);
    assert.match(stopped.stdout, /cluster: stopped/);

    const again = await cluster("up");
    assert.equal(again.code, 0, again.stderr);
    assert.equal(lastLine(again.stdout), `KUBECONFIG=${kubeconfig}`);
    const kept = await runKubectl(target, ["get", "namespace", "survives-restart", "-o", "name"]);
    assert.equal(kept.stdout.trim(), "namespace/survives-restart", kept.stderr);
  });

  it("down stops it and removes its state; down again is fine", async () => {
    const state = readState(join(dir, "state.json"));
    assert.ok(state?.pids.etcd && state.pids.apiServer);
    const down = await cluster("down");
    assert.equal(down.code, 0, down.stderr);
    assert.equal(pidAlive(state.pids.etcd), false);
    assert.equal(pidAlive(state.pids.apiServer), false);
    assert.equal(existsSync(dir), false);
    const again = await cluster("down");
    assert.equal(again.code, 0, again.stderr);
    const status = await cluster("status");
    assert.equal(status.code, 1);
    assert.match(status.stdout, /absent/);
  });
});
