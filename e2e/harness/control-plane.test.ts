// The harness against the real binaries: two control planes side by side, kube-apiserver
// restarted on the same port with the same data, stop() leaving nothing behind, startup
// failures that name their cause, and the admin token kept out of logs and errors.
import assert from "node:assert/strict";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot } from "../../scripts/lib/versions.ts";
import { type ControlPlane, startControlPlane } from "./control-plane.ts";
import { crdFilesIn, readCrdFile } from "./crds.ts";
import { HarnessError, HarnessErrorCode } from "./errors.ts";
import { eventually } from "./eventually.ts";
import { pidAlive } from "./process.ts";

/** Pids of processes whose command line mentions `dir` (what a failed start could leave behind). */
function processesMentioning(dir: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(dir)) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out.filter(pidAlive);
}

describe("control plane", () => {
  let a: ControlPlane | undefined;
  let b: ControlPlane | undefined;
  const scratch = mkdtempSync(join(tmpdir(), "ai-gateway-cp-test-"));

  before(async () => {
    // Two at once, as parallel e2e files do; the second without CRDs.
    [a, b] = await Promise.all([
      startControlPlane(),
      startControlPlane({ installGatewayApi: false, installOurCrds: false }),
    ]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it("runs two isolated control planes at once", async () => {
    assert.ok(a && b);
    assert.notEqual(a.server, b.server);
    assert.notEqual(a.dir, b.dir);
    assert.match(a.server, /^https:\/\/127\.0\.0\.1:\d+$/);
    const created = await a.kubectl(["create", "namespace", "only-in-a"]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await a.kubectl(["get", "namespace", "only-in-a"])).code, 0);
    const inB = await b.kubectl(["get", "namespace", "only-in-a"]);
    assert.notEqual(inB.code, 0);
    assert.match(inB.stderr, /NotFound|not found/);
  });

  it("installs the Gateway API CRDs only where asked", async () => {
    assert.ok(a && b);
    const inA = await a.kubectl(["get", "crd", "gateways.gateway.networking.k8s.io", "-o", "name"]);
    assert.equal(inA.code, 0, inA.stderr);
    const inB = await b.kubectl(["get", "crd", "-o", "name"]);
    assert.equal(inB.code, 0, inB.stderr);
    assert.equal(inB.stdout.trim(), "");
  });

  it("installs our CRDs from crds/ and they are Established", async () => {
    assert.ok(a);
    const ours = crdFilesIn(join(repoRoot, "crds")).flatMap(readCrdFile);
    assert.ok(ours.length > 0, "crds/ is empty: run npm run gen");
    for (const crd of ours) {
      const r = await a.kubectl([
        "get",
        "crd",
        crd.metadata.name,
        "-o",
        'jsonpath={.status.conditions[?(@.type=="Established")].status}',
      ]);
      assert.equal(r.stdout, "True", `${crd.metadata.name}: ${r.stderr}`);
    }
  });

  it("authenticates the admin token as a cluster admin and rejects other tokens", async () => {
    assert.ok(a);
    const can = await a.kubectl(["auth", "can-i", "*", "*", "--all-namespaces"]);
    assert.equal(can.stdout.trim(), "yes");
    const wrong = await a.kubectl(["get", "namespaces", "--token=not-the-token"]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /Unauthorized|must be logged in/);
  });

  it("keeps the admin token out of the process logs", async () => {
    assert.ok(a);
    for (const log of [a.logs.etcd, a.logs.apiServer]) {
      assert.equal(readFileSync(log, "utf8").includes(a.token), false, `${log} contains the token`);
    }
  });

  it("apply() creates objects and throws kubectl's error without echoing the manifest", async () => {
    assert.ok(a);
    await a.apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: applied}\ndata: {k: v}\n");
    const got = await a.kubectl(["get", "configmap", "applied", "-o", "jsonpath={.data.k}"]);
    assert.equal(got.stdout, "v");
    const bad =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: Not_Valid}\ndata: {k: secret-looking-value}\n";
    await assert.rejects(a.apply(bad), (err: unknown) => {
      assert.ok(err instanceof HarnessError);
      assert.equal(err.code, HarnessErrorCode.KubectlFailed);
      assert.match(err.message, /Not_Valid/);
      assert.equal(err.message.includes("secret-looking-value"), false);
      return true;
    });
  });

  it("restarts kube-apiserver on the same port with the same data", async () => {
    assert.ok(a);
    const server = a.server;
    const before = a.pids().apiServer;
    assert.ok(before !== undefined);
    await a.stopApiServer();
    assert.equal(pidAlive(before), false);
    assert.equal(a.pids().apiServer, undefined);
    const down = await a.kubectl(["get", "namespaces", "--request-timeout=3s"]);
    assert.notEqual(down.code, 0);
    await a.stopApiServer(); // idempotent
    await a.startApiServer();
    assert.equal(a.server, server);
    assert.notEqual(a.pids().apiServer, before);
    const kept = await a.kubectl(["get", "namespace", "only-in-a", "-o", "name"]);
    assert.equal(kept.stdout.trim(), "namespace/only-in-a", kept.stderr);
  });

  it("stop() kills its processes, removes its dir, and can be called twice", async () => {
    assert.ok(b);
    const pids = b.pids();
    assert.ok(pids.etcd !== undefined && pids.apiServer !== undefined);
    await b.stop();
    await b.stop();
    assert.equal(pidAlive(pids.etcd), false);
    assert.equal(pidAlive(pids.apiServer), false);
    assert.equal(existsSync(b.dir), false);
    await assert.rejects(b.kubectl(["get", "ns"]), { code: HarnessErrorCode.Stopped });
    await assert.rejects(b.startApiServer(), { code: HarnessErrorCode.Stopped });
  });

  it("refuses a directory that holds other files", async () => {
    const dir = join(scratch, "busy");
    mkdirSync(dir);
    writeFileSync(join(dir, "precious.txt"), "keep me");
    await assert.rejects(startControlPlane({ dir }), { code: HarnessErrorCode.DirNotEmpty });
    assert.equal(readFileSync(join(dir, "precious.txt"), "utf8"), "keep me");
  });

  it("a start that fails says why, with the log tail, and leaves nothing behind", async () => {
    const dir = join(scratch, "too-slow");
    await assert.rejects(
      startControlPlane({ dir, readyTimeoutMs: 1, installGatewayApi: false, installOurCrds: false }),
      (err: unknown) => {
        assert.ok(err instanceof HarnessError);
        assert.equal(err.code, HarnessErrorCode.NotReady);
        assert.match(err.message, /not ready after 1 ms/);
        assert.match(err.message, /kube-apiserver\.log/);
        return true;
      },
    );
    assert.equal(existsSync(dir), false);
    // The reaper shell (which has the dir in its argv) exits on its own right after.
    await eventually(() => assert.deepEqual(processesMentioning(dir), []));
  });
});
