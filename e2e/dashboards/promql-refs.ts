// What a PromQL expression refers to: the metric names it selects, the labels of each selector's
// matchers, and the labels it groups or joins by. Enough of PromQL for the queries our dashboards
// write (selectors, aggregations with by, vector matching with on/group_left); not a parser.

export type PromqlRefs = {
  metrics: string[];
  matchers: { metric: string; labels: string[] }[];
  groupings: string[][];
};

const KEYWORDS = new Set([
  "sum",
  "min",
  "max",
  "avg",
  "count",
  "group",
  "rate",
  "irate",
  "increase",
  "histogram_quantile",
  "and",
  "or",
  "unless",
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "offset",
  "bool",
]);

const GROUPING = /\b(by|on|without|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

export function promqlRefs(expr: string): PromqlRefs {
  const matchers = [...expr.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/g)].map((m) => ({
    metric: m[1] ?? "",
    labels: [...(m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)/g)].map((l) => l[1] ?? ""),
  }));
  const groupings = [...expr.matchAll(GROUPING)].map((m) =>
    (m[2] ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  );
  const stripped = expr
    .replace(/\{[^}]*\}/g, " ")
    .replace(GROUPING, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/"[^"]*"/g, " ");
  const metrics = [...stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)]
    .map((m) => m[0])
    .filter((id) => !KEYWORDS.has(id) && !/^\d/.test(id));
  return { metrics: [...new Set(metrics)], matchers, groupings };
}
