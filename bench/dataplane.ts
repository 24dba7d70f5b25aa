// Data plane, contenders side by side: for each one, on the server CPU, the same ~1 KB chat
// completion: max throughput (wrk), latency at a fixed rate (open loop), RSS after the run; then
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
import { treeRssBytes } from "./lib/rss.ts";
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

async function measureOne(c: Contender, s: Settings, dir: string, up: Upstream): Promise<ContenderResult> {
  const result: ContenderResult = { name: c.name, outcome: { status: "ok" } };
  const r = await withContender(c, dir, up, async (run) => {
    if (run.note) result.note = run.note;
    await checkChat(run.url, REQUEST_BODY, run.headers);
    result.rssIdleBytes = run.pid > 0 ? treeRssBytes(run.pid) : null;
    const load = { url: run.url, body: REQUEST_BODY, headers: run.headers, cpu: LOAD_CPU, dir };
    log(`${c.name}: warm-up ${s.warmupS}s`);
    await runWrk({ ...load, connections: s.connections, durationS: s.warmupS });
    log(`${c.name}: wrk ${s.connections} connections, ${s.wrkS}s`);
    result.throughput = await runWrk({ ...load, connections: s.connections, durationS: s.wrkS });
    log(`${c.name}: open loop ${s.rate} rps, ${s.rateS}s`);
    result.fixedRate = await runOpenLoop(
      {
        url: run.url,
        body: REQUEST_BODY,
        headers: run.headers,
        rate: s.rate,
        durationS: s.rateS,
        connections: s.connections,
        timeoutMs: 10_000,
      },
      LOAD_CPU,
    );
    result.rssBytes = run.pid > 0 ? treeRssBytes(run.pid) : null;
  });
  result.outcome = r.outcome;
  if (r.outcome.status !== "ok") log(`${c.name}: ${r.outcome.status}: ${r.outcome.reason}`);
  return result;
}

export async function runDataPlane(
  contenders: Contender[],
  s: Settings,
  dir: string,
): Promise<ContenderResult[]> {
  const mock = await startMock(join(dir, "mock"), LOAD_CPU);
  const up: Upstream = { host: mock.host, port: mock.port, kind: "mock" };
  try {
    const out: ContenderResult[] = [];
    for (const c of contenders) out.push(await measureOne(c, s, join(dir, `json-${c.name}`), up));
    return out;
  } finally {
    await mock.proc.stop();
  }
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
