import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { InFlightRegistry } from "./inflight.ts";

test("requests of a removed route are killed after the grace period and counted", async () => {
  const killedRoutes: string[] = [];
  const reg = new InFlightRegistry({ graceMs: 20, drain: false, onKilled: (r) => killedRoutes.push(r) });
  const killed: string[] = [];
  reg.add("a", () => killed.push("a1"));
  reg.add("a", () => killed.push("a2"));
  const doneB = reg.add("b", () => killed.push("b1"));
  reg.onRoutes(new Set(["b"]));
  assert.deepEqual(killed, [], "not before the grace period");
  await sleep(60);
  assert.deepEqual(killed.sort(), ["a1", "a2"]);
  assert.deepEqual(killedRoutes, ["a", "a"]);
  assert.equal(reg.count("a"), 0);
  doneB();
  assert.equal(reg.count("b"), 0);
  reg.close();
});

test("a route re-added within the grace period is not killed; drain never kills", async () => {
  const killed: string[] = [];
  const reg = new InFlightRegistry({ graceMs: 30, drain: false, onKilled: () => {} });
  reg.add("a", () => killed.push("a"));
  reg.onRoutes(new Set());
  reg.onRoutes(new Set(["a"]));
  await sleep(60);
  assert.equal(killed.length, 0);
  const drain = new InFlightRegistry({ graceMs: 0, drain: true, onKilled: () => {} });
  drain.add("a", () => killed.push("drained"));
  drain.onRoutes(new Set());
  await sleep(20);
  assert.deepEqual(killed, []);
  reg.close();
  drain.close();
});

test("finished requests unregister and are not killed", async () => {
  const killed: string[] = [];
  const reg = new InFlightRegistry({ graceMs: 0, drain: false, onKilled: () => {} });
  const done = reg.add("a", () => killed.push("a"));
  done();
  reg.onRoutes(new Set());
  await sleep(20);
  assert.deepEqual(killed, []);
  reg.close();
});

test("unregistering in any order keeps the count right; twice is harmless; kills run oldest first", async () => {
  const killed: number[] = [];
  const reg = new InFlightRegistry({ graceMs: 0, drain: false, onKilled: () => {} });
  const done = [0, 1, 2, 3, 4].map((i) => reg.add("a", () => killed.push(i)));
  done[2]?.();
  done[2]?.();
  done[0]?.();
  done[4]?.();
  assert.equal(reg.count("a"), 2);
  reg.onRoutes(new Set());
  await sleep(20);
  assert.deepEqual(killed, [1, 3]);
  assert.equal(reg.count("a"), 0);
  // unregistering a killed request does nothing, also once the route id is served again
  const again = reg.add("a", () => killed.push(9));
  done[1]?.();
  assert.equal(reg.count("a"), 1);
  again();
  assert.equal(reg.count("a"), 0);
  reg.close();
});

test("a kill that unregisters its own request (as an aborted exchange does) is safe", async () => {
  const reg = new InFlightRegistry({ graceMs: 0, drain: false, onKilled: () => {} });
  let calls = 0;
  const undo: (() => void)[] = [];
  for (let i = 0; i < 3; i++)
    undo.push(
      reg.add("a", () => {
        calls++;
        for (const u of undo) u();
      }),
    );
  reg.onRoutes(new Set());
  await sleep(20);
  assert.equal(calls, 3);
  assert.equal(reg.count("a"), 0);
  reg.close();
});
