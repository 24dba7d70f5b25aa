import assert from "node:assert/strict";
import { test } from "node:test";
import { Throttle } from "./throttle.ts";

test("a throttle runs at once the first time, then at most once per interval, folding calls", async () => {
  let runs = 0;
  const t = new Throttle(() => runs++, 100);
  t.call();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(runs, 1);
  for (let i = 0; i < 20; i++) t.call();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(runs, 1, "no second run inside the interval");
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(runs, 2, "the folded calls ran once at the end of the interval");
  t.close();
});
