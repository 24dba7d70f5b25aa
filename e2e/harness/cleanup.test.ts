// A test process that dies in any way must not leave etcd, kube-apiserver or temp dirs behind:
// uncaught error and process.exit (exit handler), SIGTERM (signal handler), SIGKILL (reaper).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { z } from "zod";
import { eventually } from "./eventually.ts";
import { pidAlive } from "./process.ts";

const NODE = process.execPath;
const FIXTURE = join(import.meta.dirname, "fixtures", "hold-control-plane.ts");
const Ready = z.object({
  dir: z.string().min(1),
  pids: z.object({ etcd: z.number().int(), apiServer: z.number().int() }),
});
type Ready = z.infer<typeof Ready>;

const children: ChildProcess[] = [];
const leftovers: Ready[] = [];

after(() => {
  // Only reached with something left over when a test failed: clean up by pid and path.
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  for (const r of leftovers) {
    for (const pid of [r.pids.etcd, r.pids.apiServer]) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
    rmSync(r.dir, { recursive: true, force: true });
  }
});

async function startFixture(
  mode: string,
): Promise<{ child: ChildProcess; ready: Ready; exit: Promise<void> }> {
  const child = spawn(NODE, [FIXTURE, mode], { stdio: ["pipe", "pipe", "pipe"] });
  children.push(child);
  const exit = new Promise<void>((r) => child.once("exit", () => r()));
  let out = "";
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  const line = await new Promise<string>((resolveLine, reject) => {
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf("\n");
      if (nl >= 0) resolveLine(out.slice(0, nl));
    });
    child.once("exit", (code) => reject(new Error(`fixture exited (${code}) before ready: ${err}`)));
  });
  const ready = Ready.parse(JSON.parse(line));
  leftovers.push(ready);
  return { child, ready, exit };
}

async function assertNothingLeft(ready: Ready): Promise<void> {
  await eventually(() => {
    assert.equal(pidAlive(ready.pids.apiServer), false, "kube-apiserver still running");
    assert.equal(pidAlive(ready.pids.etcd), false, "etcd still running");
    assert.equal(existsSync(ready.dir), false, `${ready.dir} still exists`);
  });
}

describe("a dying test process takes its control plane with it", { concurrency: true }, () => {
  it("on an uncaught error", async () => {
    const { child, ready, exit } = await startFixture("throw");
    assert.equal(pidAlive(ready.pids.apiServer), true);
    assert.equal(existsSync(ready.dir), true);
    child.stdin?.write("crash now\n");
    await exit;
    await assertNothingLeft(ready);
  });

  it("on SIGTERM", async () => {
    const { child, ready, exit } = await startFixture("wait");
    child.kill("SIGTERM");
    await exit;
    assert.equal(child.exitCode, 143);
    await assertNothingLeft(ready);
  });

  it("on SIGKILL (the reaper cleans up)", async () => {
    const { child, ready, exit } = await startFixture("wait");
    child.kill("SIGKILL");
    await exit;
    assert.equal(child.signalCode, "SIGKILL");
    await assertNothingLeft(ready);
  });
});
