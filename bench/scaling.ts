// Route scaling: ai-gateway's throughput and latency with 10 / 1,000 / 5,000 routes in the
// snapshot, routes differing by path prefix, hostname or header value, the request hitting the
// LAST route. A fresh proxy process per size, so RSS is that snapshot's.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { proxyRunning, startProxyProcess } from "./aigateway/proxy.ts";
import { gatewayConfig, type RouteVariant, target } from "./aigateway/snapshot.ts";
import { startMock } from "./contenders/nginx.ts";
import { checkChat, expectStatus } from "./lib/check.ts";
import { LOAD_CPU, SERVER_CPU } from "./lib/cpus.ts";
import { REQUEST_BODY } from "./lib/fixtures.ts";
import { type Outcome, outcomeOf } from "./lib/outcome.ts";
import { treeRssBytes } from "./lib/rss.ts";
import { say } from "./lib/say.ts";
import { type OpenLoopResult, runOpenLoop } from "./load/open-loop.ts";
import { runWrk, type WrkResult } from "./load/wrk.ts";
import type { Settings } from "./settings.ts";

export type ScaleResult = {
  variant: RouteVariant;
  routes: number;
  outcome: Outcome;
  throughput?: WrkResult;
  fixedRate?: OpenLoopResult;
  /** Before any load (snapshot applied). */
  rssIdleBytes?: number | null;
  /** After the load. */
  rssBytes?: number | null;
  snapshotBytes?: number;
  readyMs?: number;
};

const log = (s: string) => say("scaling", s);

async function one(
  variant: RouteVariant,
  routes: number,
  s: Settings,
  dir: string,
  up: { host: string; port: number },
): Promise<ScaleResult> {
  const r: ScaleResult = { variant, routes, outcome: { status: "ok" } };
  mkdirSync(dir, { recursive: true });
  log(`${variant} × ${routes}`);
  let stop = async () => {};
  try {
    const p = await startProxyProcess({ dir, cpu: SERVER_CPU, config: gatewayConfig(routes, variant, up) });
    stop = p.stop;
    r.snapshotBytes = p.snapshotBytes;
    r.readyMs = p.readyMs;
    const t = target(routes - 1, variant);
    const run = proxyRunning(p, t.path, t.headers);
    await checkChat(run.url, REQUEST_BODY, run.headers);
    // A route that is not in the snapshot must not match (the lookup is real, not a catch-all).
    const miss = target(routes, variant);
    await expectStatus(proxyRunning(p, miss.path).url, REQUEST_BODY, miss.headers, 404);
    r.rssIdleBytes = treeRssBytes(p.proc.pid);
    const load = { url: run.url, body: REQUEST_BODY, headers: run.headers, cpu: LOAD_CPU, dir };
    await runWrk({ ...load, connections: s.connections, durationS: s.warmupS });
    r.throughput = await runWrk({ ...load, connections: s.connections, durationS: s.scaleS });
    r.fixedRate = await runOpenLoop(
      {
        url: run.url,
        body: REQUEST_BODY,
        headers: run.headers,
        rate: s.rate,
        warmupS: Math.min(2, s.rateWarmupS),
        durationS: s.scaleS,
        connections: s.connections,
        timeoutMs: 10_000,
      },
      LOAD_CPU,
    );
    r.rssBytes = treeRssBytes(p.proc.pid);
  } catch (err) {
    r.outcome = outcomeOf(err);
    log(`${variant} × ${routes}: ${r.outcome.status === "ok" ? "" : r.outcome.reason}`);
  } finally {
    await stop();
  }
  return r;
}

export async function runScaling(s: Settings, dir: string): Promise<ScaleResult[]> {
  const mock = await startMock(join(dir, "mock"), LOAD_CPU);
  try {
    const out: ScaleResult[] = [];
    for (const variant of s.scaleVariants) {
      for (const routes of s.scaleSizes) {
        const r = await one(variant, routes, s, join(dir, `${variant}-${routes}`), mock);
        out.push(r);
        if (r.outcome.status === "unavailable") return out; // the proxy is not there: no point going on
      }
    }
    return out;
  } finally {
    await mock.proc.stop();
  }
}
