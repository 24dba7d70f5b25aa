// Text of the control-plane section.
import type { ControlPlaneResult } from "../controlplane/run.ts";
import type { Summary } from "../lib/stats.ts";
import { kib, mdTable, mib, ms, num } from "./table.ts";

function row(what: string, s: Summary | undefined, n: number, timeouts: number): string[] {
  return [what, `${s?.n ?? 0}/${n}`, ms(s?.p50), ms(s?.p99), ms(s?.max), num(timeouts)];
}

export function renderControlPlane(c: ControlPlaneResult): string {
  const parts: string[] = [];
  if (c.routes || c.secrets) {
    const rows: string[][] = [];
    if (c.routes) {
      rows.push(row("AIRoute create → first 200", c.routes.create, c.routes.n, c.routes.timeouts));
      rows.push(row("AIRoute delete → first 404", c.routes.delete, c.routes.n, 0));
    }
    if (c.secrets)
      rows.push(row("Secret update → new key upstream", c.secrets.rotate, c.secrets.n, c.secrets.timeouts));
    parts.push(
      `Sequential changes, timed from the API server's answer to the first matching proxy answer (polled every 5 ms).\n\n${mdTable(["change", "measured", "p50 ms", "p99 ms", "max ms", "timeouts"], rows)}`,
    );
  }
  const b = c.bulk;
  if (b) {
    const rows = [
      [
        "objects created (16 concurrent API calls)",
        `${num(b.routes)} AIRoutes + ${num(b.backends)} backends`,
      ],
      ["create calls done", `${num(b.createMs / 1000, 1)} s`],
      [
        "all AIRoutes Accepted",
        b.allAcceptedMs === null ? "timed out" : `${num(b.allAcceptedMs / 1000, 1)} s`,
      ],
      [
        "last AIRoute served by the proxy",
        b.lastRouteServedMs === null ? "timed out" : `${num(b.lastRouteServedMs / 1000, 1)} s`,
      ],
      [
        "reconciles during the burst (mean translation)",
        `${num(b.burstReconciles.n)} (${ms(b.burstReconciles.meanMs)} ms)`,
      ],
      [
        "one more AIRoute at scale: mean translation",
        `${ms(b.singleChange.meanReconcileMs)} ms over ${num(b.singleChange.n)} reconciles`,
      ],
      [
        "one more AIRoute at scale: create → first 200",
        `p50 ${ms(b.singleChange.propagation.p50)} ms, max ${ms(b.singleChange.propagation.max)} ms (n=${b.singleChange.propagation.n})`,
      ],
      ["snapshot size", `${kib(b.snapshotBytes)} KiB`],
      ["operator RSS", `${mib(b.operatorRssBytes)} MiB`],
      ["proxy RSS", `${mib(b.proxyRssBytes)} MiB`],
    ];
    parts.push(mdTable(["at scale", "value"], rows));
  }
  if (c.outcome.status !== "ok")
    parts.push(`${c.outcome.status}: ${c.outcome.reason.replace(/\s+/g, " ").slice(0, 400)}`);
  if (c.startupMs !== undefined) parts.push(`Environment up in ${num(c.startupMs / 1000, 1)} s.`);
  return parts.join("\n\n");
}
