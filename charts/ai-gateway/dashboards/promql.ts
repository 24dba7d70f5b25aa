// PromQL building blocks over the series of docs/metrics.md. Every selector of a series that has
// a `gateway` label is filtered by the $gateway template variable. The gen_ai_* series and the
// process metrics carry no `gateway` label: they are joined on (job, instance) to the proxy's
// ai_gateway_snapshot_version{gateway} series, since one proxy process serves one Gateway.

export const RATE = "$__rate_interval";
export const GATEWAY_MATCHER = 'gateway=~"$gateway"';

/** `metric{gateway=~"$gateway", extra...}` */
export function gw(metric: string, ...extra: string[]): string {
  return `${metric}{${[GATEWAY_MATCHER, ...extra].join(", ")}}`;
}

/** `metric{extra...}` (no gateway filter: the series has no gateway label). */
export function sel(metric: string, ...extra: string[]): string {
  return extra.length === 0 ? metric : `${metric}{${extra.join(", ")}}`;
}

export function rate(selector: string): string {
  return `rate(${selector}[${RATE}])`;
}

export function increase(selector: string): string {
  return `increase(${selector}[${RATE}])`;
}

export function sumBy(labels: string[], expr: string): string {
  return labels.length === 0 ? `sum(${expr})` : `sum by (${labels.join(", ")}) (${expr})`;
}

/** One series per proxy process of the selected Gateways, value 1, labels job, instance, gateway. */
export const PROXY_INSTANCES = `group by (job, instance, gateway) (${gw("ai_gateway_snapshot_version")})`;

/** Keeps only series scraped from proxies of the selected Gateways, adding their `gateway` label. */
export function onSelectedProxies(expr: string): string {
  return `(${expr} * on (job, instance) group_left (gateway) ${PROXY_INSTANCES})`;
}

/** Keeps only series scraped from operator processes (they all export ai_gateway_operator_is_leader). */
export function onOperators(expr: string): string {
  return `(${expr} and on (job, instance) ai_gateway_operator_is_leader)`;
}

/** q-quantile of a histogram's `_bucket` rate, grouped by `labels`. */
export function quantile(q: number, bucketRate: string, labels: string[]): string {
  return `histogram_quantile(${q}, ${sumBy([...labels, "le"], bucketRate)})`;
}

/**
 * numerator / denominator, where a missing numerator (no series: nothing matched) counts as 0 so
 * the ratio shows 0 instead of "no data" while there is traffic.
 */
export function ratioOrZero(numerator: string, denominator: string): string {
  return `(${numerator} or (${denominator} * 0)) / ${denominator}`;
}
