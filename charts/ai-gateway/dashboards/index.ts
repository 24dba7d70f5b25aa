// The chart's Grafana dashboards: which file each one is rendered to (the ConfigMap embeds them),
// and the PromQL of every panel, with the template variables substituted, for tests.
import type { Dashboard, Panel, RowPanel } from "@grafana/grafana-foundation-sdk/dashboard";
import { buildDashboard } from "./build.ts";
import { controlPlaneDashboard } from "./control-plane.ts";
import { formatJson } from "./format.ts";
import type { DashboardSpec } from "./spec.ts";
import { trafficDashboard } from "./traffic.ts";

export type DashboardFile = { file: string; spec: () => DashboardSpec };

/** File names are relative to charts/ai-gateway/dashboards/. */
export const DASHBOARD_FILES: readonly DashboardFile[] = [
  { file: "ai-gateway-traffic.json", spec: trafficDashboard },
  { file: "ai-gateway-control-plane.json", spec: controlPlaneDashboard },
];

/** Dashboard JSON as written to disk, formatted by the repository's formatter. */
export function renderDashboard(entry: DashboardFile): string {
  return formatJson(buildDashboard(entry.spec()));
}

export type QueryVariables = {
  /** Replaces $__rate_interval. Default 1m. */
  rateInterval?: string;
  /** Regex replacing $gateway (the variable's "All" value is .*). Default .* */
  gateway?: string;
};

export type DashboardQuery = { dashboard: string; panel: string; expr: string };

function isRow(p: Panel | RowPanel): p is RowPanel {
  return p.type === "row";
}

function exprOf(target: unknown): string | undefined {
  if (typeof target !== "object" || target === null || !("expr" in target)) return undefined;
  return typeof target.expr === "string" ? target.expr : undefined;
}

/** Substitutes Grafana template variables; throws on one it does not know. */
export function substituteVariables(expr: string, vars: QueryVariables = {}): string {
  const values: Record<string, string> = {
    __rate_interval: vars.rateInterval ?? "1m",
    gateway: vars.gateway ?? ".*",
  };
  return expr.replace(/\$\{?(\w+)\}?/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`unknown template variable $${name} in: ${expr}`);
    return value;
  });
}

function queriesOf(dashboard: Dashboard, vars: QueryVariables): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const panels = (dashboard.panels ?? []).flatMap((p) => (isRow(p) ? p.panels : [p]));
  for (const panel of panels) {
    for (const target of panel.targets ?? []) {
      const expr = exprOf(target);
      if (expr === undefined) continue;
      out.push({
        dashboard: dashboard.title ?? "",
        panel: panel.title ?? "",
        expr: substituteVariables(expr, vars),
      });
    }
  }
  return out;
}

/** Every panel query of every dashboard, read back from the built dashboards. */
export function dashboardQueries(vars: QueryVariables = {}): DashboardQuery[] {
  return DASHBOARD_FILES.flatMap((entry) => queriesOf(buildDashboard(entry.spec()), vars));
}
