// The shape of a dashboard as plain data: rows of panels, each panel a few PromQL targets.
// traffic.ts and control-plane.ts describe; build.ts turns a description into Grafana JSON.

export type TargetSpec = {
  /** PromQL; may use $gateway and $__rate_interval. */
  expr: string;
  /** Grafana legend format, e.g. "{{route}} {{status}}". */
  legend: string;
};

export type PanelSpec = {
  title: string;
  description: string;
  /** Grafana unit id: reqps, percentunit, s, short, bytes, ... */
  unit: string;
  kind: "timeseries" | "stat";
  /** Grid width out of 24. */
  width: number;
  targets: TargetSpec[];
};

export type RowSpec = { title: string; panels: PanelSpec[] };

export type DashboardSpec = {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  /** PromQL metric whose `gateway` label values fill the $gateway variable. */
  gatewayVariableMetric: string;
  rows: RowSpec[];
};
