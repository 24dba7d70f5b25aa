import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { waitIdle } from "./quiesce.ts";

function child(code: string) {
  return spawn(process.execPath, ["-e", code], { stdio: "ignore" });
}

test("an idle server is idle at once; a busy one is waited for, up to the bound", async () => {
  const idle = child("setTimeout(() => {}, 60000)");
  const busy = child("for (;;) {}");
  try {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(typeof (await waitIdle(idle.pid as number, 5_000)), "number");
    assert.equal(await waitIdle(busy.pid as number, 1_000), undefined);
  } finally {
    idle.kill("SIGKILL");
    busy.kill("SIGKILL");
  }
});

test("no process to watch (pid 0) is idle", async () => {
  assert.equal(await waitIdle(0), 0);
});
