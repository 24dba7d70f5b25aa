// Text of the data-plane sections: contenders vs direct, streaming, route scaling.
import type { ContenderResult, StreamContenderResult } from "../dataplane.ts";
import type { Outcome } from "../lib/outcome.ts";
import type { ScaleResult } from "../scaling.ts";
import { dash, delta, kib, mdTable, mib, ms, num, ratio } from "./table.ts";

function why(o: Outcome): string {
  return o.status === "ok" ? "" : `${o.status}: ${o.reason.replace(/\s+/g, " ").slice(0, 160)}`;
}

export function renderContenders(rows: ContenderResult[], rate: number): string {
  const d = rows.find((r) => r.name === "direct" && r.outcome.status === "ok");
  const dRps = d?.throughput?.okRps;
  const dP50 = d?.fixedRate?.latency.p50;
  const dP99 = d?.fixedRate?.latency.p99;
  const table = mdTable(
    [
      "contender",
      "max req/s",
      "× direct",
      "CPU µs/req",
      `p50 ms @${rate}/s`,
      `p99 ms @${rate}/s`,
      "p50 × direct",
      "p99 × direct",
      "added p50 ms",
      "added p99 ms",
      "errors",
      "RSS MiB idle → after",
    ],
    rows.map((r) => {
      if (r.outcome.status !== "ok")
        return [r.name, dash, dash, dash, dash, dash, dash, dash, dash, dash, dash, dash];
      const t = r.throughput;
      const f = r.fixedRate;
      const errors = (t?.errors ?? 0) + (f ? f.errors + f.timeouts : 0);
      return [
        r.name,
        num(t?.okRps),
        ratio(t?.okRps, dRps),
        r.cpuMicrosPerRequest === undefined ? dash : r.cpuMicrosPerRequest.toFixed(1),
        ms(f?.latency.p50),
        ms(f?.latency.p99),
        ratio(f?.latency.p50, dP50),
        ratio(f?.latency.p99, dP99),
        r.name === "direct" ? dash : added(r.addedP50, f?.latency.p50, dP50),
        r.name === "direct" ? dash : added(r.addedP99, f?.latency.p99, dP99),
        num(errors),
        `${mib(r.rssIdleBytes)} → ${mib(r.rssBytes)}`,
      ];
    }),
  );
  return `${table}${referenceRatio(rows)}${addedP99Line(rows, rate)}${notes(rows)}`;
}

/** Paired-round "added" when there is one, else the difference of the medians. */
function added(
  paired: number | undefined,
  x: number | null | undefined,
  base: number | null | undefined,
): string {
  return paired === undefined ? delta(x, base) : delta(paired, 0);
}

/** Added p99 of ai-gateway and the bare proxies, and every round's p99 (goal ≤ 1 ms). */
function addedP99Line(rows: ContenderResult[], rate: number): string {
  const names = ["ai-gateway", "bare-undici", "bare-http", "nginx", "direct"];
  const parts = names
    .map((n) => rows.find((r) => r.name === n && r.outcome.status === "ok"))
    .filter((r): r is ContenderResult => r?.roundsP99 !== undefined)
    .map((r) => {
      const rounds = (r.roundsP99 ?? []).map(ms).join(" / ");
      const add = r.addedP99 === undefined ? "" : ` (added ${delta(r.addedP99, 0)})`;
      return `${r.name} ${rounds}${add}`;
    });
  if (parts.length === 0) return "";
  return `\n\np99 ms @${rate}/s per latency round: ${parts.join("; ")}. Added p99 = median over rounds of (p99 − direct's p99 in the same round) (goal for ai-gateway: ≤ 1 ms)`;
}

/** ai-gateway's throughput over the bare Node proxies' measured in the same run (goal ≥ 0.7 of undici). */
function referenceRatio(rows: ContenderResult[]): string {
  const rps = (name: string) => {
    const r = rows.find((x) => x.name === name && x.outcome.status === "ok");
    return r?.throughput?.okRps;
  };
  const cpu = (name: string) =>
    rows.find((x) => x.name === name && x.outcome.status === "ok")?.cpuMicrosPerRequest;
  const gw = rps("ai-gateway");
  const refs = ["bare-undici", "bare-http"];
  const parts = refs
    .filter((n) => gw !== undefined && rps(n) !== undefined)
    .map((n) => `ai-gateway ÷ ${n} = ${ratio(gw, rps(n))}`);
  // the same ratio from CPU time per request: what one core would serve, whatever else runs
  const gwCpu = cpu("ai-gateway");
  const cpuParts = refs
    .filter((n) => gwCpu !== undefined && cpu(n) !== undefined)
    .map((n) => `${n} ÷ ai-gateway = ${ratio(cpu(n), gwCpu)}`);
  const lines = [];
  if (parts.length) lines.push(`max req/s, same run: ${parts.join("; ")} (goal: ≥ 0.7 of bare-undici)`);
  if (cpuParts.length)
    lines.push(`CPU µs per request, same run (req/s one core could serve): ${cpuParts.join("; ")}`);
  return lines.length ? `\n\n${lines.join("\n\n")}` : "";
}

function notes(rows: Array<{ name: string; note?: string; outcome: Outcome }>): string {
  const lines = rows
    .map((r) =>
      r.outcome.status !== "ok" ? `- ${r.name}: ${why(r.outcome)}` : r.note ? `- ${r.name}: ${r.note}` : "",
    )
    .filter(Boolean);
  return lines.length ? `\n\n${lines.join("\n")}` : "";
}

export function renderStreaming(rows: StreamContenderResult[]): string {
  const d = rows.find((r) => r.name === "direct" && r.outcome.status === "ok")?.stream;
  const table = mdTable(
    [
      "contender",
      "TTFB p50 ms",
      "TTFB p99 ms",
      "added TTFB p50",
      "total p50 ms",
      "total p99 ms",
      "added total p50",
      "ok/n",
    ],
    rows.map((r) => {
      const s = r.stream;
      if (r.outcome.status !== "ok" || !s) return [r.name, dash, dash, dash, dash, dash, dash, dash];
      return [
        r.name,
        ms(s.ttfb.p50),
        ms(s.ttfb.p99),
        r.name === "direct" ? dash : delta(s.ttfb.p50, d?.ttfb.p50),
        ms(s.total.p50),
        ms(s.total.p99),
        r.name === "direct" ? dash : delta(s.total.p50, d?.total.p50),
        `${s.ok}/${s.ok + s.failed}`,
      ];
    }),
  );
  return `${table}${notes(rows)}`;
}

export function renderScaling(rows: ScaleResult[], rate: number): string {
  const table = mdTable(
    [
      "routes differ by",
      "routes",
      "max req/s",
      "× smallest",
      `p50 ms @${rate}/s`,
      `p99 ms @${rate}/s`,
      "errors",
      "RSS MiB idle → after",
      "snapshot KiB",
      "ready ms",
    ],
    rows.map((r) => {
      const base = rows.find((x) => x.variant === r.variant && x.outcome.status === "ok")?.throughput?.okRps;
      if (r.outcome.status !== "ok")
        return [r.variant, num(r.routes), dash, dash, dash, dash, dash, dash, dash, dash];
      const f = r.fixedRate;
      return [
        r.variant,
        num(r.routes),
        num(r.throughput?.okRps),
        ratio(r.throughput?.okRps, base),
        ms(f?.latency.p50),
        ms(f?.latency.p99),
        num((r.throughput?.errors ?? 0) + (f ? f.errors + f.timeouts : 0)),
        `${mib(r.rssIdleBytes)} → ${mib(r.rssBytes)}`,
        kib(r.snapshotBytes),
        num(r.readyMs),
      ];
    }),
  );
  const failed = rows.filter((r) => r.outcome.status !== "ok");
  return failed.length
    ? `${table}\n\n${failed.map((r) => `- ${r.variant}/${r.routes}: ${why(r.outcome)}`).join("\n")}`
    : table;
}
