// The whole report as Markdown: machine and versions, then one section per phase that ran.

import { renderControlPlane } from "./render-controlplane.ts";
import { renderContenders, renderScaling, renderStreaming } from "./render-dataplane.ts";
import { renderProfile } from "./render-profile.ts";
import type { Results } from "./results.ts";
import { mdTable } from "./table.ts";

export function renderMachine(r: Results): string {
  const m = r.machine;
  const pin = m.pinning.enabled
    ? `load generator, upstream mock and bench on CPU ${m.pinning.loadCpu}; server under test on CPU ${m.pinning.serverCpu} (taskset)`
    : "not pinned (no taskset or a single CPU)";
  const rows = [
    ["date", r.date],
    ["mode", r.mode],
    ["CPU", `${m.cpuModel}, nproc ${m.nproc}`],
    ["memory", `${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB`],
    ["kernel", m.kernel],
    [
      "load average (1 min)",
      `${m.loadAverage.start.toFixed(1)} at start, ${m.loadAverage.end?.toFixed(1) ?? "?"} at end (other work on the machine skews results)`,
    ],
    ["pinning", pin],
    ...Object.entries(r.versions).map(([k, v]) => [k, v ?? "not installed"]),
  ];
  const deps = r.deps.filter((d) => !d.ok).map((d) => `- peer install ${d.part} failed: ${d.detail}`);
  return `${mdTable(["", ""], rows)}${deps.length ? `\n\n${deps.join("\n")}` : ""}`;
}

export function renderAll(r: Results): string {
  const s = r.settings;
  const parts = [`## Machine and versions\n\n${renderMachine(r)}`];
  if (r.dataPlane)
    parts.push(
      `## Data plane: ~1 KB chat completion through each contender\n\n${s.rounds} interleaved rounds (every contender once per round, order rotated); each figure is the median over the rounds. max req/s: 2xx answers per second under wrk, ${s.connections} connections, ${s.wrkS} s. CPU µs/req: user + system time of the server's processes per request under wrk. Latency: open-loop ${s.rate} req/s, in ${s.rateRounds} interleaved rounds of ${s.rateS} s after the throughput rounds; each contender first runs ${s.rateWarmupS} s at that rate unrecorded (and every later round's generator ${s.rateRoundWarmupS} s). Ratios are against direct in the same run; "added" latency is the median over rounds of the difference with direct in the same round.\n\n${renderContenders(r.dataPlane, s.rate)}`,
    );
  if (r.streaming)
    parts.push(
      `## Streaming: ${s.streamChunks}-chunk SSE from the simulator (${s.interTokenMs} ms between chunks), ${s.streamN} sequential requests\n\n${renderStreaming(r.streaming)}`,
    );
  if (r.scaling)
    parts.push(
      `## Route scaling (ai-gateway; the request hits the last route)\n\nmax req/s: 2xx answers per second under wrk, ${s.connections} connections, ${s.scaleS} s; latency: open-loop ${s.rate} req/s for ${s.scaleS} s after ${Math.min(2, s.rateWarmupS)} s unrecorded, right after wrk (so not as warm as the data-plane latency rounds).\n\n${renderScaling(r.scaling, s.rate)}`,
    );
  if (r.profile)
    parts.push(`## Proxy CPU profile under wrk load (${s.profileS} s)\n\n${renderProfile(r.profile)}`);
  if (r.controlPlane)
    parts.push(`## Control plane (real kube-apiserver + etcd)\n\n${renderControlPlane(r.controlPlane)}`);
  if (r.durationS !== undefined) parts.push(`Measured in ${(r.durationS / 60).toFixed(1)} min.`);
  return parts.join("\n\n");
}
