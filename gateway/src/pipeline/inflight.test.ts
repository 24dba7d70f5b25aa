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
