import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { eventually } from "./eventually.ts";
import { pidAlive } from "./process.ts";
import { startReaper } from "./reaper.ts";

const scratch = mkdtempSync(join(tmpdir(), "ai-gateway-reaper-test-"));
const sleepers: ChildProcess[] = [];
after(() => {
  for (const s of sleepers) s.kill("SIGKILL");
  rmSync(scratch, { recursive: true, force: true });
});

function sleeper(): ChildProcess & { pid: number } {
  const child = spawn("sleep", ["600"], { stdio: "ignore" });
  sleepers.push(child);
  const pid = child.pid;
  assert.ok(pid !== undefined);
  return Object.assign(child, { pid });
}

function exited(child: ChildProcess): Promise<NodeJS.Signals | null> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) r(child.signalCode);
    else child.once("exit", (_code, signal) => r(signal));
  });
}

describe("reaper", () => {
  it("SIGKILLs watched pids and removes its dir when its pipe closes", async () => {
    const dir = join(scratch, "owned");
    mkdirSync(dir);
    writeFileSync(join(dir, "file"), "x");
    const a = sleeper();
    const b = sleeper();
    const reaper = startReaper(dir);
    reaper.watch(a.pid);
    reaper.watch(b.pid);
    reaper.release();
    assert.equal(await exited(a), "SIGKILL");
    assert.equal(await exited(b), "SIGKILL");
    await eventually(() => assert.equal(existsSync(dir), false));
  });

  it("leaves forgotten pids alone", async () => {
    const kept = sleeper();
    const killed = sleeper();
    const reaper = startReaper(undefined);
    reaper.watch(kept.pid);
    reaper.watch(killed.pid);
    reaper.forget(kept.pid);
    reaper.release();
    await reaper.exited;
    assert.equal(await exited(killed), "SIGKILL");
    // Had the reaper SIGKILLed it too, that pending SIGKILL would win over our SIGTERM.
    assert.equal(pidAlive(kept.pid), true);
    kept.kill("SIGTERM");
    assert.equal(await exited(kept), "SIGTERM");
  });
});
