// The hot-path metrics expose exactly what prom-client's own metrics expose for the same
// observations (text and JSON, and after worker-mode aggregation), so dashboards cannot tell them apart.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry } from "prom-client";
import { CounterVec, GaugeVec, HistogramVec } from "./bound.ts";

const BUCKETS = [0.1, 1, 10];

function pair() {
  const ours = new Registry();
  const theirs = new Registry();
  const labelNames = ["route", "status"] as const;
  return {
    ours,
    theirs,
    h: [
      new HistogramVec({ name: "h", help: "a histogram", labelNames, buckets: BUCKETS, registers: [ours] }),
      new Histogram({ name: "h", help: "a histogram", labelNames, buckets: BUCKETS, registers: [theirs] }),
    ] as const,
    c: [
      new CounterVec({ name: "c_total", help: "a counter", labelNames, registers: [ours] }),
      new Counter({ name: "c_total", help: "a counter", labelNames, registers: [theirs] }),
    ] as const,
    g: [
      new GaugeVec({ name: "g", help: "a gauge", labelNames: ["route"], registers: [ours] }),
      new Gauge({ name: "g", help: "a gauge", labelNames: ["route"], registers: [theirs] }),
    ] as const,
  };
}

/** Exposition lines, sorted, label pairs sorted inside each line (order is not meaningful). */
function normal(text: string): string[] {
  return text
    .trim()
    .split("\n")
    .map((line) => line.replace(/\{([^}]*)\}/, (_, l: string) => `{${l.split(",").sort().join(",")}}`))
    .sort();
}

function feed(p: ReturnType<typeof pair>): void {
  const values = [0.05, 0.1, 0.5, 3, 10, 11, 1e6];
  const [hOurs, hTheirs] = p.h;
  const bound = hOurs.labels({ route: "r1", status: "200" });
  for (const v of values) {
    bound.observe(v);
    hTheirs.observe({ route: "r1", status: "200" }, v);
  }
  hOurs.observe({ route: "r2" }, 2);
  hTheirs.observe({ route: "r2" }, 2);
  const [cOurs, cTheirs] = p.c;
  cOurs.labels({ route: "r1", status: "500" }).inc();
  cOurs.inc({ route: "r1", status: "500" }, 2);
  cTheirs.inc({ route: "r1", status: "500" }, 3);
  const [gOurs, gTheirs] = p.g;
  const g = gOurs.labels({ route: "r1" });
  g.inc();
  g.inc();
  g.dec();
  gTheirs.inc({ route: "r1" });
}

test("text exposition equals prom-client's for the same observations", async () => {
  const p = pair();
  feed(p);
  assert.deepEqual(normal(await p.ours.metrics()), normal(await p.theirs.metrics()));
});

test("worker-mode aggregation sums our series like prom-client's", async () => {
  const a = pair();
  const b = pair();
  feed(a);
  feed(b);
  const ours = AggregatorRegistry.aggregate([
    await a.ours.getMetricsAsJSON(),
    await b.ours.getMetricsAsJSON(),
  ]);
  const theirs = AggregatorRegistry.aggregate([
    await a.theirs.getMetricsAsJSON(),
    await b.theirs.getMetricsAsJSON(),
  ]);
  assert.deepEqual(normal(await ours.metrics()), normal(await theirs.metrics()));
  assert.match(await ours.metrics(), /h_count\{route="r1",status="200"\} 14/);
});

test("bad values are refused, a bound child stays the same series, reset forgets", async () => {
  const p = pair();
  const [h] = p.h;
  assert.throws(() => h.labels({ route: "r" }).observe(Number.NaN), TypeError);
  assert.throws(() => p.c[0].labels({ route: "r" }).inc(-1), TypeError);
  assert.equal(h.labels({ route: "x", status: "1" }), h.labels({ status: "1", route: "x" }));
  h.reset();
  assert.doesNotMatch(await p.ours.metrics(), /route="x"/);
});
