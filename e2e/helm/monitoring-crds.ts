// The Prometheus Operator's own PodMonitor and ServiceMonitor CRDs, from its Go module (the way
// scripts/binaries.sh gets the Gateway API CRDs), so the chart's monitors are validated by a real
// API server against the real schemas. Undefined when Go or the module cannot be had.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

export const PROMETHEUS_OPERATOR_MODULE = "github.com/prometheus-operator/prometheus-operator";
export const PROMETHEUS_OPERATOR_VERSION = "v0.85.0";

const Download = z.object({ Dir: z.string() });

export type MonitoringCrds = { files: string[] } | { unavailable: string };

export function monitoringCrds(): MonitoringCrds {
  const r = spawnSync(
    "go",
    ["mod", "download", "-json", `${PROMETHEUS_OPERATOR_MODULE}@${PROMETHEUS_OPERATOR_VERSION}`],
    {
      cwd: "/",
      encoding: "utf8",
      env: { ...process.env, GOFLAGS: "-mod=mod", GOTOOLCHAIN: "local" },
      timeout: 300_000,
    },
  );
  if (r.error) return { unavailable: `go: ${r.error.message}` };
  if (r.status !== 0) return { unavailable: `go mod download exit ${r.status}: ${r.stderr.trim()}` };
  const dir = join(Download.parse(JSON.parse(r.stdout)).Dir, "example", "prometheus-operator-crd");
  const files = ["monitoring.coreos.com_podmonitors.yaml", "monitoring.coreos.com_servicemonitors.yaml"].map(
    (f) => join(dir, f),
  );
  const missing = files.filter((f) => !existsSync(f));
  return missing.length > 0 ? { unavailable: `missing ${missing.join(", ")}` } : { files };
}
