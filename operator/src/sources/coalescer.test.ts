import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Coalescer } from "./coalescer.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Coalescer", () => {
  it("runs once for a burst of triggers", async () => {
    let runs = 0;
    const c = new Coalescer({
      debounceMs: 20,
      maxDelayMs: 1000,
      run: async () => void runs++,
      onError: () => {},
    });
    for (let i = 0; i < 10; i++) c.trigger();
    await wait(60);
    await c.idle();
    assert.equal(runs, 1);
    await c.close();
  });

  it("a continuous stream of triggers still runs by the max delay", async () => {
    let runs = 0;
    const c = new Coalescer({
      debounceMs: 30,
      maxDelayMs: 60,
      run: async () => void runs++,
      onError: () => {},
    });
    const stop = Date.now() + 250;
    while (Date.now() < stop) {
      c.trigger();
      await wait(5);
    }
    assert.ok(runs >= 1, "ran while triggers never paused for the debounce time");
    await c.close();
  });

  it("never overlaps runs and runs once more for triggers during a run", async () => {
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let release: () => void = () => {};
    const c = new Coalescer({
      debounceMs: 5,
      maxDelayMs: 50,
      run: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        runs++;
        if (runs === 1) await new Promise<void>((r) => (release = r));
        active--;
      },
      onError: () => {},
    });
    c.trigger();
    await wait(20);
    c.trigger();
    c.trigger();
    release();
    await wait(40);
    await c.idle();
    assert.equal(runs, 2);
    assert.equal(maxActive, 1);
    await c.close();
  });

  it("reports a failing run and keeps working", async () => {
    const errors: unknown[] = [];
    let runs = 0;
    const c = new Coalescer({
      debounceMs: 5,
      maxDelayMs: 50,
      run: async () => {
        runs++;
        if (runs === 1) throw new Error("boom");
      },
      onError: (e) => errors.push(e),
    });
    c.trigger();
    await wait(30);
    c.trigger();
    await wait(30);
    await c.idle();
    assert.equal(errors.length, 1);
    assert.equal(runs, 2);
    await c.close();
  });
});
