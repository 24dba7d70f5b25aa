// Counters, gauges and histograms for the per-request hot path, registered in the process's
// prom-client Registry like any other metric (same text exposition, same JSON for worker-mode
// aggregation). prom-client's own `labels(...)` children re-validate and re-hash their label object
// on every inc/observe; a child here is the series itself, so a request's metrics cost a few number
// additions. Series are kept until the metric is reset, exactly like prom-client's.
import type { MetricObjectWithValues, MetricValue, Registry } from "prom-client";

/** Label values; a label left out is absent from the series (as in prom-client). */
type Labels<L extends string> = Partial<Record<L, string>>;
type Aggregator = "sum" | "max" | "min" | "average" | "first" | "omit";

interface Options<L extends string> {
  name: string;
  help: string;
  labelNames: readonly L[];
  registers: Registry[];
  aggregator?: Aggregator;
}

const SEP = "\u0000";
const ABSENT = "\u0001\u0000";

/** Common part: series by label values (joined in labelNames order). */
abstract class Vec<L extends string, S extends { labels: Labels<L> }> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
  readonly aggregator: Aggregator;
  abstract readonly type: "counter" | "gauge" | "histogram";
  protected series = new Map<string, S>();

  constructor(o: Options<L>) {
    this.name = o.name;
    this.help = o.help;
    this.labelNames = o.labelNames;
    this.aggregator = o.aggregator ?? "sum";
    for (const r of o.registers) r.registerMetric(this as never);
  }

  protected abstract create(labels: Labels<L>): S;

  /** The series of `labels` (created on first use); keep it: it is the bound child. */
  labels(labels: Labels<L>): S {
    let key = "";
    for (const n of this.labelNames) {
      const v = labels[n];
      key += v === undefined ? ABSENT : v + SEP;
    }
    let s = this.series.get(key);
    if (s === undefined) {
      const own = {} as Labels<L>;
      for (const n of this.labelNames) if (labels[n] !== undefined) own[n] = labels[n];
      s = this.create(own);
      this.series.set(key, s);
    }
    return s;
  }

  reset(): void {
    this.series.clear();
  }

  protected abstract values(): MetricValue<string>[];

  /** What Registry.metrics() and getMetricsAsJSON() read (and worker-mode aggregation sums). */
  async get(): Promise<
    Omit<MetricObjectWithValues<MetricValue<string>>, "collect" | "type"> & { type: string }
  > {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      values: this.values(),
      aggregator: this.aggregator,
    };
  }
}

export class CounterSeries<L extends string> {
  value = 0;
  readonly labels: Labels<L>;
  constructor(labels: Labels<L>) {
    this.labels = labels;
  }
  inc(by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) throw new TypeError(`counter increment must be >= 0: ${by}`);
    this.value += by;
  }
}

export class CounterVec<L extends string> extends Vec<L, CounterSeries<L>> {
  readonly type = "counter";
  protected create(labels: Labels<L>): CounterSeries<L> {
    return new CounterSeries(labels);
  }
  inc(labels: Labels<L>, by = 1): void {
    this.labels(labels).inc(by);
  }
  protected values(): MetricValue<string>[] {
    return [...this.series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
  }
}

export class GaugeSeries<L extends string> {
  value = 0;
  readonly labels: Labels<L>;
  constructor(labels: Labels<L>) {
    this.labels = labels;
  }
  inc(by = 1): void {
    this.value += by;
  }
  dec(by = 1): void {
    this.value -= by;
  }
  set(v: number): void {
    this.value = v;
  }
}

export class GaugeVec<L extends string> extends Vec<L, GaugeSeries<L>> {
  readonly type = "gauge";
  protected create(labels: Labels<L>): GaugeSeries<L> {
    return new GaugeSeries(labels);
  }
  protected values(): MetricValue<string>[] {
    return [...this.series.values()].map((s) => ({ labels: { ...s.labels }, value: s.value }));
  }
}

export class HistogramSeries<L extends string> {
  /** counts[i]: observations in (bounds[i-1], bounds[i]]; the last slot is above every bound. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  readonly labels: Labels<L>;
  readonly #bounds: readonly number[];
  constructor(labels: Labels<L>, bounds: readonly number[]) {
    this.labels = labels;
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(v: number): void {
    if (!Number.isFinite(v)) throw new TypeError(`observed value is not a finite number: ${v}`);
    const b = this.#bounds;
    let i = 0;
    while (i < b.length && v > (b[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += v;
    this.count++;
  }
}

export class HistogramVec<L extends string> extends Vec<L, HistogramSeries<L>> {
  readonly type = "histogram";
  readonly buckets: readonly number[];
  constructor(o: Options<L> & { buckets: readonly number[] }) {
    super(o);
    this.buckets = [...o.buckets].sort((a, b) => a - b);
  }
  protected create(labels: Labels<L>): HistogramSeries<L> {
    return new HistogramSeries(labels, this.buckets);
  }
  observe(labels: Labels<L>, v: number): void {
    this.labels(labels).observe(v);
  }
  protected values(): MetricValue<string>[] {
    const out: MetricValue<string>[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.series.values()) {
      let acc = 0;
      this.buckets.forEach((le, i) => {
        acc += s.counts[i] as number;
        out.push({ labels: { ...s.labels, le }, value: acc, metricName: bucket } as MetricValue<string>);
      });
      out.push({
        labels: { ...s.labels, le: "+Inf" },
        value: s.count,
        metricName: bucket,
      } as MetricValue<string>);
      out.push({
        labels: { ...s.labels },
        value: s.sum,
        metricName: `${this.name}_sum`,
      } as MetricValue<string>);
      out.push({
        labels: { ...s.labels },
        value: s.count,
        metricName: `${this.name}_count`,
      } as MetricValue<string>);
    }
    return out;
  }
}
