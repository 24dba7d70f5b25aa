import assert from "node:assert/strict";
import { test } from "node:test";
import { adapterFor } from "../providers/index.ts";
import type { CompiledBackend, CompiledProvider, CompiledRoute } from "../snapshot/compile.ts";
import type { ProviderConfig } from "../snapshot/schema.ts";
import { failoverOrder, pickBackend } from "./backend-select.ts";

function prov(name: string): CompiledProvider {
  const config: ProviderConfig = {
    name,
    kind: "openai",
    host: "h",
    port: 1,
    tls: false,
    auth: { mode: "none" },
  };
  return { config, adapter: adapterFor("openai"), label: `b/${name}`, backend: "b" };
}

function backend(ref: string, groups: string[][]): CompiledBackend {
  return { ref, groups: groups.map((g) => g.map(prov)) };
}

function routeWith(
  backends: { backend: CompiledBackend; weight: number }[],
  invalidWeight = 0,
): CompiledRoute {
  return { config: {} as CompiledRoute["config"], backends, invalidWeight, clientAuth: undefined };
}

test("an invalid backendRef of weight 3 next to a valid one of weight 1: 3/4 of requests get no backend (500)", () => {
  const valid = backend("valid", [["p"]]);
  const r = routeWith([{ backend: valid, weight: 1 }], 3);
  assert.equal(
    pickBackend(r, () => 0),
    undefined,
  );
  assert.equal(
    pickBackend(r, () => 0.74),
    undefined,
  );
  assert.equal(pickBackend(r, () => 0.76)?.ref, "valid");
  let none = 0;
  const draws = 4000;
  for (let i = 0; i < draws; i++) if (pickBackend(r, () => (i + 0.5) / draws) === undefined) none++;
  assert.equal(none, 3000);
  assert.equal(
    pickBackend(routeWith([], 2), () => 0.99),
    undefined,
    "only invalid refs: always 500",
  );
});

test("weights split traffic; weight 0 gets none; all-zero has no backend", () => {
  const a = backend("a", [["p"]]);
  const b = backend("b", [["p"]]);
  const r = routeWith([
    { backend: a, weight: 1 },
    { backend: b, weight: 3 },
  ]);
  assert.equal(pickBackend(r, () => 0)?.ref, "a");
  assert.equal(pickBackend(r, () => 0.24)?.ref, "a");
  assert.equal(pickBackend(r, () => 0.26)?.ref, "b");
  assert.equal(pickBackend(r, () => 0.9999)?.ref, "b");
  const zero = routeWith([
    { backend: a, weight: 0 },
    { backend: b, weight: 1 },
  ]);
  assert.equal(pickBackend(zero, () => 0)?.ref, "b");
  assert.equal(
    pickBackend(routeWith([{ backend: a, weight: 0 }]), () => 0),
    undefined,
  );
  assert.equal(
    pickBackend(routeWith([]), () => 0),
    undefined,
  );
});

test("failover order: groups by priority, rotation within a group", () => {
  const b = backend("b", [["p1", "p2", "p3"], ["s1"]]);
  assert.deepEqual(
    failoverOrder(b, () => 0).map((p) => p.config.name),
    ["p1", "p2", "p3", "s1"],
  );
  assert.deepEqual(
    failoverOrder(b, () => 0.5).map((p) => p.config.name),
    ["p2", "p3", "p1", "s1"],
  );
});

test("ejected providers leave their group and go last, in priority order (fallback, never dropped)", () => {
  const b = backend("b", [
    ["p1", "p2", "p3"],
    ["s1", "s2"],
  ]);
  const ejected = new Set(["p2", "s1"]);
  const isEjected = (p: CompiledProvider): boolean => ejected.has(p.config.name);
  assert.deepEqual(
    failoverOrder(b, () => 0, isEjected).map((p) => p.config.name),
    ["p1", "p3", "s2", "p2", "s1"],
  );
  const all = (): boolean => true;
  assert.deepEqual(
    failoverOrder(b, () => 0, all).map((p) => p.config.name),
    ["p1", "p2", "p3", "s1", "s2"],
  );
});
