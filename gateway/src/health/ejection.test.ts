import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_EJECTION_MS, ProviderHealth } from "./ejection.ts";

describe("ProviderHealth (passive outlier ejection)", () => {
  it("ejects after consecutiveFailures unhealthy attempts, for the duration, then takes traffic again", () => {
    const h = new ProviderHealth();
    const ev = { durationMs: 10_000, consecutiveFailures: 3 };
    assert.equal(h.record(true, ev, 1000), undefined);
    assert.equal(h.record(true, ev, 1001), undefined);
    assert.equal(h.ejected(1002), false);
    assert.equal(h.record(true, ev, 1002), 11_002);
    assert.equal(h.ejected(1003), true);
    assert.equal(h.ejected(11_001), true);
    assert.equal(h.ejected(11_002), false);
    assert.equal(h.ejectedUntil, undefined);
  });

  it("a success in between resets the consecutive count", () => {
    const h = new ProviderHealth();
    const ev = { durationMs: 1000, consecutiveFailures: 2 };
    h.record(true, ev, 0);
    h.record(false, ev, 1);
    assert.equal(h.record(true, ev, 2), undefined);
    assert.equal(h.record(true, ev, 3), 1003);
  });

  it("with neither consecutiveFailures nor healthThreshold one unhealthy attempt ejects (default 3s)", () => {
    const h = new ProviderHealth();
    assert.equal(h.record(true, {}, 500), 500 + DEFAULT_EJECTION_MS);
  });

  it("backs off multiplicatively while the provider keeps failing when it returns; a success resets", () => {
    const h = new ProviderHealth();
    const ev = { durationMs: 1000 };
    assert.equal(h.record(true, ev, 0), 1000);
    // failures of in-flight attempts during the ejection neither extend it nor count as an ejection
    assert.equal(h.record(true, ev, 500), undefined);
    assert.equal(h.timesEjected, 1);
    assert.equal(h.record(true, ev, 1000), 1000 + 2000);
    assert.equal(h.record(true, ev, 3000), 3000 + 3000);
    assert.equal(h.ejected(6000), false);
    h.record(false, ev, 6000);
    assert.equal(h.timesEjected, 0);
    assert.equal(h.record(true, ev, 6001), 7001);
  });

  it("healthThreshold compares the EWMA score before the attempt (alpha 0.3)", () => {
    const h = new ProviderHealth();
    const ev = { durationMs: 1000, healthThreshold: 0.5 };
    assert.equal(h.record(true, ev, 0), undefined); // before 1.0 → 0.7
    assert.ok(Math.abs(h.score - 0.7) < 1e-9);
    assert.equal(h.record(true, ev, 1), undefined); // before 0.7 → 0.49
    assert.equal(h.record(true, ev, 2), 1002); // before 0.49 < 0.5
    assert.ok(Math.abs(h.score - 0.343) < 1e-9);
  });

  it("a success between failures delays a healthThreshold ejection", () => {
    const h = new ProviderHealth();
    const ev = { durationMs: 1000, healthThreshold: 0.5 };
    h.record(true, ev, 0); // 0.7
    h.record(true, ev, 1); // 0.49
    h.record(false, ev, 2); // 0.643
    assert.equal(h.record(true, ev, 3), undefined);
  });

  it("either condition ejects when both are set", () => {
    const h = new ProviderHealth();
    const ev = { durationMs: 1000, healthThreshold: 0.1, consecutiveFailures: 2 };
    assert.equal(h.record(true, ev, 0), undefined);
    assert.equal(h.record(true, ev, 1), 1001);
  });

  it("restoreHealth sets the score when the ejection ends; unset keeps it", () => {
    const restored = new ProviderHealth();
    restored.record(true, { durationMs: 100, restoreHealth: 1 }, 0);
    assert.ok(restored.score < 1);
    assert.equal(restored.ejected(100), false);
    assert.equal(restored.score, 1);
    const kept = new ProviderHealth();
    kept.record(true, { durationMs: 100 }, 0);
    kept.ejected(100);
    assert.ok(Math.abs(kept.score - 0.7) < 1e-9);
  });

  it("from a score of 0 the next outcome is taken as is", () => {
    const h = new ProviderHealth();
    h.record(true, { durationMs: 100, restoreHealth: 0 }, 0);
    h.ejected(100);
    assert.equal(h.score, 0);
    h.record(false, undefined, 101);
    assert.equal(h.score, 1);
  });

  it("without eviction settings only a Retry-After ejects (its delay is the duration)", () => {
    const h = new ProviderHealth();
    assert.equal(h.record(true, undefined, 0), undefined);
    assert.equal(h.ejected(1), false);
    assert.equal(h.record(true, undefined, 1, 2000), 2001);
  });
});
