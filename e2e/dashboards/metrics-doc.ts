// The metrics contract (docs/metrics.md) as data: every documented series with its type and
// labels, plus the default process metrics. Dashboards may only query what is listed here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../scripts/lib/versions.ts";

export type DocumentedMetric = { name: string; type: string; labels: string[] };

/** Default prom-client process metrics the doc names (no labels). */
const PROCESS_METRICS = ["process_resident_memory_bytes", "process_cpu_seconds_total"];

export function documentedMetrics(): Map<string, DocumentedMetric> {
  const doc = readFileSync(join(repoRoot, "docs", "metrics.md"), "utf8");
  const out = new Map<string, DocumentedMetric>();
  for (const m of doc.matchAll(/^\|\s*`([a-z_:]+)`\s*\|\s*([^|]+?)\s*\|\s*([^|]*?)\s*\|$/gm)) {
    const name = m[1] ?? "";
    const labels = (m[3] ?? "")
      .replace(/\([^)]*\)/g, "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    out.set(name, { name, type: (m[2] ?? "").trim(), labels });
  }
  for (const name of PROCESS_METRICS) {
    if (doc.includes(`\`${name}\``)) out.set(name, { name, type: "process", labels: [] });
  }
  return out;
}

/** The documented metric a series name belongs to (histogram series: _bucket, _sum, _count). */
export function metricOfSeries(
  series: string,
  docs: Map<string, DocumentedMetric>,
): DocumentedMetric | undefined {
  const direct = docs.get(series);
  if (direct) return direct;
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  const base = m?.[1] === undefined ? undefined : docs.get(m[1]);
  return base?.type.startsWith("histogram") ? base : undefined;
}

/** Labels a series has: the documented ones, `le` on buckets, and the scrape's job and instance. */
export function labelsOfSeries(series: string, metric: DocumentedMetric): string[] {
  return [...metric.labels, ...(series.endsWith("_bucket") ? ["le"] : []), "job", "instance"];
}
