// Generated files of the chart, registered in scripts/gen/registry.ts (npm run gen / gen:check):
//   charts/ai-gateway/dashboards/<name>.json  rendered from dashboards/*.ts
//   charts/ai-gateway/crds/<name>.yaml        the same bytes as the repository's crds/<name>.yaml,
//                                             rendered by the same CRD generator (so one run of
//                                             `npm run gen` refreshes both copies together)
// Paths are relative to the repository root.
import { crdFileName, renderCrdYaml } from "../../operator/src/api/crd/crd.ts";
import { CRD_KINDS } from "../../operator/src/api/crd/kinds.ts";
import { DASHBOARD_FILES, renderDashboard } from "./dashboards/index.ts";

export type Generator = { path: string; render(): string | Promise<string> };

export const CHART_PATH = "charts/ai-gateway";

/** Every file in these directories is generated: one no generator writes is stale (orphaned). */
export const CHART_GENERATED_DIRS: readonly string[] = [`${CHART_PATH}/crds`];

function crdCopies(): Generator[] {
  return CRD_KINDS.map((kind) => ({
    path: `${CHART_PATH}/crds/${crdFileName(kind)}`,
    render: () => renderCrdYaml(kind),
  }));
}

function dashboards(): Generator[] {
  return DASHBOARD_FILES.map((entry) => ({
    path: `${CHART_PATH}/dashboards/${entry.file}`,
    render: () => renderDashboard(entry),
  }));
}

export function chartGenerators(): Generator[] {
  return [...dashboards(), ...crdCopies()];
}
