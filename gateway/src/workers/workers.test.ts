import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULT_LIMITS, parseWorkers, UsageError } from "../flags.ts";
import { LocalCounterStore } from "../policy/store.ts";
import { IpcCounterStore, serveCounterCall } from "./ipc-counters.ts";
import type { FromWorker } from "./messages.ts";
import { perWorkerLimits } from "./worker.ts";

test("--workers: default 1, auto from the usable cores (bounded), else an integer in [1, 64]", () => {
  assert.equal(parseWorkers(undefined), 1);
  assert.equal(
    parseWorkers("auto", () => 2),
    2,
  );
  assert.equal(
    parseWorkers("auto", () => 512),
    64,
  );
  assert.equal(parseWorkers("3"), 3);
  for (const bad of ["0", "-1", "1.5", "65", "many"]) assert.throws(() => parseWorkers(bad), UsageError, bad);
});

test("process-wide caps are shared out between workers; 0 stays unlimited", () => {
  const l = perWorkerLimits(
    { ...DEFAULT_LIMITS, maxConnections: 1001, maxInflightRequests: 0, maxInflightBodyBytes: 10 },
    2,
  );
  assert.equal(l.maxConnections, 501);
  assert.equal(l.maxInflightRequests, 0);
  assert.equal(l.maxInflightBodyBytes, 5);
  assert.equal(l.upstreamHeaderTimeoutMs, DEFAULT_LIMITS.upstreamHeaderTimeoutMs);
});

test("two workers' IPC counter stores share the primary's one counter: a limit is not doubled", async () => {
  const primary = new LocalCounterStore();
  const stores: IpcCounterStore[] = [];
  // the "IPC": each worker's calls are served by the primary's store, answers fed back async
  for (let w = 0; w < 2; w++) {
    const store: IpcCounterStore = new IpcCounterStore((m: FromWorker) => {
      if (m.t !== "counters") return;
      void serveCounterCall(primary, m.call).then((answer) =>
        setImmediate(() => store.onMessage({ t: "counters-answer", id: m.id, answer })),
      );
    });
    stores.push(store);
  }
  const item = { key: "rl", amount: 1, limit: 5, ttlMs: 60_000 };
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => stores[i % 2]?.reserve([item])));
  assert.equal(results.filter((r) => r?.ok).length, 5);
  await stores[1]?.adjust([{ key: "rl", delta: -2, ttlMs: 60_000 }]);
  assert.deepEqual(await stores[0]?.read(["rl", "none"]), [3, 0]);
});

test("a counter call the primary never answers fails (policies then fail open or closed), and close() rejects pending", async () => {
  const store = new IpcCounterStore(() => {});
  const pending = store.read(["x"]);
  await store.close();
  await assert.rejects(pending, /closed/);
  const failing = new IpcCounterStore((m) => {
    if (m.t === "counters")
      setImmediate(() => failing.onMessage({ t: "counters-answer", id: m.id, error: "boom" }));
  });
  await assert.rejects(failing.read(["x"]), /boom/);
});
