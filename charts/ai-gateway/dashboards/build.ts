// Turns a DashboardSpec into Grafana dashboard JSON with the Grafana Foundation SDK: a Prometheus
// datasource variable, a multi-value $gateway variable, one row per RowSpec, panels auto-placed.
import {
  BigValueColorMode,
  BigValueGraphMode,
  type DataSourceRef,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  TooltipDisplayMode,
  VisibilityMode,
  VizLegendOptionsBuilder,
  VizTooltipOptionsBuilder,
} from "@grafana/grafana-foundation-sdk/common";
import {
  type Dashboard,
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
} from "@grafana/grafana-foundation-sdk/dashboard";
import { DataqueryBuilder } from "@grafana/grafana-foundation-sdk/prometheus";
import { PanelBuilder as StatPanelBuilder } from "@grafana/grafana-foundation-sdk/stat";
import { PanelBuilder as TimeseriesPanelBuilder } from "@grafana/grafana-foundation-sdk/timeseries";
import type { DashboardSpec, PanelSpec, TargetSpec } from "./spec.ts";

// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const DATASOURCE: DataSourceRef = { type: "prometheus", uid: "${datasource}" };
const PANEL_HEIGHT = 8;
const STAT_HEIGHT = 4;

function target(spec: TargetSpec, index: number): DataqueryBuilder {
  return new DataqueryBuilder()
    .datasource(DATASOURCE)
    .expr(spec.expr)
    .legendFormat(spec.legend)
    .range()
    .refId(String.fromCharCode(65 + index));
}

/** The builder methods stat and time series panels share. */
type PanelBase = {
  id(id: number): unknown;
  title(title: string): unknown;
  description(description: string): unknown;
  datasource(datasource: DataSourceRef): unknown;
  unit(unit: string): unknown;
  span(w: number): unknown;
  height(h: number): unknown;
  withTarget(target: DataqueryBuilder): unknown;
};

function describe(builder: PanelBase, spec: PanelSpec, id: number, height: number): void {
  builder.id(id);
  builder.title(spec.title);
  builder.description(spec.description);
  builder.datasource(DATASOURCE);
  builder.unit(spec.unit);
  builder.span(spec.width);
  builder.height(height);
  spec.targets.forEach((t, i) => {
    builder.withTarget(target(t, i));
  });
}

function statPanel(spec: PanelSpec, id: number): StatPanelBuilder {
  const builder = new StatPanelBuilder()
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(["lastNotNull"]).values(false))
    .graphMode(BigValueGraphMode.Area)
    .colorMode(BigValueColorMode.Value);
  describe(builder, spec, id, STAT_HEIGHT);
  return builder;
}

function timeseriesPanel(spec: PanelSpec, id: number): TimeseriesPanelBuilder {
  const builder = new TimeseriesPanelBuilder()
    .lineWidth(1)
    .fillOpacity(10)
    .showPoints(VisibilityMode.Never)
    .spanNulls(false)
    .legend(
      new VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.List)
        .placement(LegendPlacement.Bottom),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending));
  describe(builder, spec, id, PANEL_HEIGHT);
  return builder;
}

function panel(spec: PanelSpec, id: number): StatPanelBuilder | TimeseriesPanelBuilder {
  return spec.kind === "stat" ? statPanel(spec, id) : timeseriesPanel(spec, id);
}

function datasourceVariable(): DatasourceVariableBuilder {
  return new DatasourceVariableBuilder("datasource").label("Data source").type("prometheus");
}

function gatewayVariable(metric: string): QueryVariableBuilder {
  return new QueryVariableBuilder("gateway")
    .label("Gateway")
    .description("namespace/name of the Gateways to show")
    .datasource(DATASOURCE)
    .query(`label_values(${metric}, gateway)`)
    .definition(`label_values(${metric}, gateway)`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue(".*")
    .current({ text: "All", value: "$__all", selected: true });
}

export function buildDashboard(spec: DashboardSpec): Dashboard {
  const builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags(spec.tags)
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh("30s")
    .time({ from: "now-1h", to: "now" })
    .timezone("browser")
    .withVariable(datasourceVariable())
    .withVariable(gatewayVariable(spec.gatewayVariableMetric));
  let id = 0;
  for (const row of spec.rows) {
    id += 1;
    builder.withRow(new RowBuilder(row.title).id(id));
    for (const p of row.panels) {
      id += 1;
      builder.withPanel(panel(p, id));
    }
  }
  return builder.build();
}
