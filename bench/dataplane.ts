// Data plane, contenders side by side: on the server CPU, the same ~1 KB chat completion, in
// interleaved rounds: max throughput (wrk) with the server's CPU time per request; then, after a
// warm-up at the rate, latency at a fixed rate (open loop) in rounds of its own; RSS after; then
// streaming TTFB/total through each with a 200-chunk simulator stream. Every contender is checked
// to answer a real 200 chat completion before it is measured.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startMock } from "./contenders/nginx.ts";
import type { Contender, Running, Upstream } from "./contenders/types.ts";
import { checkChat } from "./lib/check.ts";
import { LOAD_CPU, SERVER_CPU } from "./lib/cpus.ts";
import { PROVIDER_KEY, REQUEST_BODY, STREAM_BODY } from "./lib/fixtures.ts";
import { type Outcome, outcomeOf } from "./lib/outcome.ts";
import { waitIdle } from "./lib/quiesce.ts";
import { treeCpuMicros, treeRssBytes } from "./lib/rss.ts";
import { say } from "./lib/say.ts";
import { startSimulatorProcess } from "./lib/simulator.ts";
import { type OpenLoopResult, runOpenLoop } from "./load/open-loop.ts";
import { runStreams, type StreamResult } from "./load/stream.ts";
import { runWrk, type WrkResult } from "./load/wrk.ts";
import type { Settings } from "./settings.ts";

export type ContenderResult = {
  name: string;
  note?: string;
  outcome: Outcome;
  throughput?: WrkResult;
  fixedRate?: OpenLoopResult;
  /** Before any load. */
  rssIdleBytes?: number | null;
  /** After the load. */
  rssBytes?: number | null;
  /** 2xx answers per second of every round, in order (throughput is the median one). */
  roundsOkRps?: number[];
  /** CPU time of the server's process tree per request under wrk (median over the rounds). */
  cpuMicrosPerRequest?: number;
  /** p99 and p50 at the fixed rate of every latency round, in order (fixedRate: the median p99). */
  roundsP99?: Array<number | null>;
  roundsP50?: Array<number | null>;
  /** Median over the latency rounds of (this p99 − direct's p99 in the same round), ms; and p50's. */
  addedP99?: number;
  addedP50?: number;
};

export type StreamContenderResult = { name: string; outcome: Outcome; stream?: StreamResult };

const log = (s: string) => say("data-plane", s);

async function withContender<T>(
  c: Contender,
  dir: string,
  up: Upstream,
  body: (r: Running) => Promise<T>,
): Promise<{ running?: Running; value?: T; outcome: Outcome }> {
  mkdirSync(dir, { recursive: true });
  let running: Running | undefined;
  try {
    running = await c.start({ dir, cpu: SERVER_CPU }, up);
    const value = await body(running);
    return { running, value, outcome: { status: "ok" } };
  } catch (err) {
    const outcome = outcomeOf(err);
    const hint = running?.diagnose?.();
    if (hint && outcome.status !== "ok") outcome.reason += ` (server log: ${hint})`;
    return { outcome };
  } finally {
    await running?.stop();
  }
}

/** A started contender taking part in the rounds. */
type Live = {
  c: Contender;
  run: Running;
  result: ContenderResult;
  rounds: WrkResult[];
  cpu: number[];
  rates: OpenLoopResult[];
  /** Too slow for the latency rate (see the note). */
  skipRate?: boolean;
};

/** Wait for the server to finish any backlog before the next contender is measured. */
async function settle(l: Live): Promise<void> {
  const waited = await waitIdle(l.run.pid);
  if (waited === undefined) log(`${l.c.name}: still busy 60 s after its run`);
  else if (waited > 1000) log(`${l.c.name}: busy for ${(waited / 1000).toFixed(1)} s after its run`);
}

function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * Every contender is started first (idle ones cost nothing), then measured in interleaved rounds:
 * in each round every contender gets the same wrk run and the same open-loop run, in a rotated
 * order, so a change in the machine's load touches all of them alike. The figures are the medians
 * over the rounds; CPU µs per request (the server's process tree, from /proc) is the figure least
 * moved by other work on the machine.
 */
export async function runDataPlane(
  contenders: Contender[],
  s: Settings,
  dir: string,
): Promise<ContenderResult[]> {
  const mock = await startMock(join(dir, "mock"), LOAD_CPU);
  const up: Upstream = { host: mock.host, port: mock.port, kind: "mock" };
  const live: Live[] = [];
  const out: ContenderResult[] = [];
  try {
    for (const c of contenders) {
      const result: ContenderResult = { name: c.name, outcome: { status: "ok" } };
      out.push(result);
      const cdir = join(dir, `json-${c.name}`);
      mkdirSync(cdir, { recursive: true });
      let run: Running | undefined;
      try {
        run = await c.start({ dir: cdir, cpu: SERVER_CPU }, up);
        if (run.note) result.note = run.note;
        await checkChat(run.url, REQUEST_BODY, run.headers);
        result.rssIdleBytes = run.pid > 0 ? treeRssBytes(run.pid) : null;
        log(`${c.name}: warm-up ${s.warmupS}s`);
        await runWrk({ ...loadOf(run, cdir), connections: s.connections, durationS: s.warmupS });
        live.push({ c, run, result, rounds: [], cpu: [], rates: [] });
      } catch (err) {
        const outcome = outcomeOf(err);
        const hint = run?.diagnose?.();
        if (hint && outcome.status !== "ok") outcome.reason += ` (server log: ${hint})`;
        result.outcome = outcome;
        log(`${c.name}: ${why(outcome)}`);
        await run?.stop();
      }
    }
    for (let round = 0; round < s.rounds; round++) {
      for (const l of rotated(live, round)) {
        if (l.result.outcome.status !== "ok") continue;
        try {
          const cdir = join(dir, `json-${l.c.name}`);
          log(`${l.c.name}: round ${round + 1}/${s.rounds}: wrk ${s.connections} connections, ${s.wrkS}s`);
          const cpu0 = l.run.pid > 0 ? treeCpuMicros(l.run.pid) : null;
          const w = await runWrk({ ...loadOf(l.run, cdir), connections: s.connections, durationS: s.wrkS });
          const cpu1 = l.run.pid > 0 ? treeCpuMicros(l.run.pid) : null;
          l.rounds.push(w);
          if (cpu0 !== null && cpu1 !== null && w.requests > 0) l.cpu.push((cpu1 - cpu0) / w.requests);
          await settle(l);
        } catch (err) {
          l.result.outcome = outcomeOf(err);
          log(`${l.c.name}: ${why(l.result.outcome)}`);
        }
      }
    }
    // Latency at a fixed rate, in rounds of its own: a JIT runtime re-optimizes for some seconds
    // after its traffic changes shape (measured: p99 at 1,000 req/s of 3-4.6 ms in the first 10 s
    // after wrk, 1.1-1.5 ms after), so each contender first runs at the rate unrecorded, and no
    // wrk run comes between its latency rounds. Each round's generator is a fresh process: its
    // own first seconds are not recorded either.
    // a contender that cannot serve the rate would only build a queue (and keep the server CPU
    // busy for whoever comes next): its latency is not measured
    for (const l of live) {
      const best = Math.max(0, ...l.rounds.map((w) => w.okRps));
      if (l.result.outcome.status === "ok" && best < s.rate) {
        l.skipRate = true;
        l.result.note = `${l.result.note ? `${l.result.note}; ` : ""}latency at ${s.rate} req/s not measured: at most ${Math.round(best)} req/s under wrk`;
      }
    }
    for (let round = 0; round < s.rateRounds; round++) {
      for (const l of rotated(live, round)) {
        if (l.result.outcome.status !== "ok" || l.skipRate) continue;
        const warmupS = round === 0 ? s.rateWarmupS : s.rateRoundWarmupS;
        log(
          `${l.c.name}: latency round ${round + 1}/${s.rateRounds}: ${s.rate} rps, ${warmupS}s unrecorded + ${s.rateS}s`,
        );
        try {
          l.rates.push(
            await runOpenLoop(
              {
                url: l.run.url,
                body: REQUEST_BODY,
                headers: l.run.headers,
                rate: s.rate,
                warmupS,
                durationS: s.rateS,
                connections: s.connections,
                timeoutMs: 10_000,
              },
              LOAD_CPU,
            ),
          );
          await settle(l);
        } catch (err) {
          l.result.outcome = outcomeOf(err);
          log(`${l.c.name}: ${why(l.result.outcome)}`);
        }
      }
    }
    for (const l of live) {
      const r = l.result;
      r.rssBytes = l.run.pid > 0 ? treeRssBytes(l.run.pid) : null;
      await l.run.stop();
      if (r.outcome.status !== "ok") continue;
      // the round whose throughput is the median stands for the contender; the others are kept
      const byRps = [...l.rounds].sort((a, b) => a.okRps - b.okRps);
      const mid = byRps[Math.floor((byRps.length - 1) / 2)];
      if (mid) r.throughput = mid;
      r.roundsOkRps = l.rounds.map((w) => Math.round(w.okRps));
      const cpu = median(l.cpu);
      if (cpu !== undefined) r.cpuMicrosPerRequest = Math.round(cpu * 10) / 10;
      const byP99 = [...l.rates].sort((a, b) => (a.latency.p99 ?? 0) - (b.latency.p99 ?? 0));
      const midRate = byP99[Math.floor((byP99.length - 1) / 2)];
      if (midRate) r.fixedRate = midRate;
      r.roundsP99 = l.rates.map((x) => x.latency.p99);
      r.roundsP50 = l.rates.map((x) => x.latency.p50);
    }
    pairAddedLatency(out);
    return out;
  } finally {
    for (const l of live) await l.run.stop().catch(() => {});
    await mock.proc.stop();
  }
}

/** The contenders in round `round`'s order (rotated, so no one is always first or last). */
function rotated<T>(xs: T[], round: number): T[] {
  return xs.map((_, i) => xs[(i + round) % xs.length] as T);
}

/**
 * "Added" latency from rounds paired in time: in each round, a contender's percentile minus
 * direct's in the same round, then the median over rounds. The machine's slower and faster spells
 * (this is a VM) move both sides of a pair alike, unlike a median of each taken apart.
 */
function pairAddedLatency(out: ContenderResult[]): void {
  const d = out.find((r) => r.name === "direct" && r.outcome.status === "ok");
  if (!d?.fixedRate || !d.roundsP99) return;
  const dRates = d.roundsP99;
  const dP50 = d.roundsP50 ?? [];
  for (const r of out) {
    if (r === d || r.outcome.status !== "ok" || !r.roundsP99) continue;
    const p99 = pairs(r.roundsP99, dRates);
    const p50 = pairs(r.roundsP50 ?? [], dP50);
    if (p99.length) r.addedP99 = round2(median(p99) as number);
    if (p50.length) r.addedP50 = round2(median(p50) as number);
  }
}

function pairs(a: Array<number | null>, b: Array<number | null>): number[] {
  const out: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (typeof x === "number" && typeof y === "number") out.push(x - y);
  }
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function why(o: Outcome): string {
  return o.status === "ok" ? "ok" : `${o.status}: ${o.reason}`;
}

function loadOf(run: Running, dir: string) {
  return { url: run.url, body: REQUEST_BODY, headers: run.headers, cpu: LOAD_CPU, dir };
}

export async function runStreaming(
  contenders: Contender[],
  s: Settings,
  dir: string,
): Promise<StreamContenderResult[]> {
  const sim = await startSimulatorProcess({
    chunks: s.streamChunks,
    ttftMs: 0,
    interTokenMs: s.interTokenMs,
    requireKey: PROVIDER_KEY,
    cpu: LOAD_CPU,
  });
  const up: Upstream = { host: sim.host, port: sim.port, kind: "simulator" };
  try {
    const out: StreamContenderResult[] = [];
    for (const c of contenders) {
      log(`${c.name}: ${s.streamN} sequential streams of ${s.streamChunks} chunks`);
      const r = await withContender(c, join(dir, `stream-${c.name}`), up, async (run) => {
        const o = { url: run.url, body: STREAM_BODY, headers: run.headers, timeoutMs: 30_000 };
        const warm = await runStreams({ ...o, n: 2 });
        if (warm.ok === 0) throw new Error(`stream check failed: ${warm.firstError ?? "no stream"}`);
        return runStreams({ ...o, n: s.streamN });
      });
      const res: StreamContenderResult = { name: c.name, outcome: r.outcome };
      if (r.value) res.stream = r.value;
      if (r.outcome.status !== "ok") log(`${c.name}: ${r.outcome.status}: ${r.outcome.reason}`);
      out.push(res);
    }
    return out;
  } finally {
    await sim.stop();
  }
}
