import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { adapterFor } from "../providers/index.ts";
import type { CompiledProvider } from "../snapshot/compile.ts";
import { parseCondition } from "./condition.ts";
import { HealthRegistry } from "./registry.ts";

function provider(name: string, health?: CompiledProvider["health"]): CompiledProvider {
  return {
    config: { name, kind: "openai", host: "h", port: 1, tls: false, auth: { mode: "none" } },
    adapter: adapterFor("openai"),
    label: `ns/b/${name}`,
    backend: "ns/b",
    ...(health ? { health } : {}),
  };
}

describe("HealthRegistry", () => {
  it("ejects a provider after its failures, reports it until the cool-down ends, and counts it once", () => {
    let now = 1_000;
    const ejections: [string, number][] = [];
    const reg = new HealthRegistry({
      now: () => now,
      onEject: (p, until) => ejections.push([p.label, until]),
    });
    const a = provider("a", {
      condition: undefined,
      eviction: { durationMs: 5_000, consecutiveFailures: 2 },
    });
    reg.record(a, { code: 503 });
    assert.equal(reg.isEjected(a), false);
    reg.record(a, { code: undefined }); // a connection failure is unhealthy by default
    assert.equal(reg.isEjected(a), true);
    assert.deepEqual(reg.ejected(), [{ backend: "ns/b", provider: "a", until: 6_000 }]);
    assert.deepEqual(ejections, [["ns/b/a", 6_000]]);
    now = 6_000;
    assert.equal(reg.isEjected(a), false);
    assert.deepEqual(reg.ejected(), []);
  });

  it("uses the provider's unhealthyCondition", () => {
    const reg = new HealthRegistry({ now: () => 0 });
    const a = provider("a", {
      condition: parseCondition("response.code == 429"),
      eviction: { durationMs: 1000 },
    });
    reg.record(a, { code: 503 });
    assert.equal(reg.isEjected(a), false);
    reg.record(a, { code: 429 });
    assert.equal(reg.isEjected(a), true);
  });

  it("never ejects providers without a health policy", () => {
    const reg = new HealthRegistry({ now: () => 0 });
    const plain = provider("plain");
    for (let i = 0; i < 10; i++) reg.record(plain, { code: 500 });
    assert.equal(reg.isEjected(plain), false);
    assert.deepEqual(reg.ejected(), []);
  });

  it("keeps state across a snapshot swap for providers that keep a health policy, drops the rest", () => {
    const reg = new HealthRegistry({ now: () => 0 });
    const h = { condition: undefined, eviction: { durationMs: 1000 } };
    const a = provider("a", h);
    const b = provider("b", h);
    reg.record(a, { code: 500 });
    reg.record(b, { code: 500 });
    const a2 = provider("a", h);
    reg.retain([a2, provider("b")]);
    assert.equal(reg.isEjected(a2), true);
    assert.deepEqual(
      reg.ejected().map((e) => e.provider),
      ["a"],
    );
  });
});
