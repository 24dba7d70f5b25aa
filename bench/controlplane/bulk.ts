// Scale: N AIRoutes over M backends on one Gateway, created through the API with bounded
// concurrency. Measures the time until every route is Accepted and until the proxy serves the last
// one, the operator's translation time (reconcile histogram) during the burst and per single change
// afterwards, and the size and memory cost: snapshot bytes, operator RSS, proxy RSS.
import { setTimeout as sleep } from "node:timers/promises";
import { treeRssBytes } from "../lib/rss.ts";
import { say } from "../lib/say.ts";
import { type Summary, summarize } from "../lib/stats.ts";
import { create, type Env } from "./env.ts";
import { airoutesPath } from "./kube.ts";
import { airoute, backend, CONTROLLER_NAME, GW, NS, type Obj } from "./manifests.ts";
import { meanMs, reconcileHisto } from "./metrics.ts";
import { pollUntil } from "./poll.ts";
import { snapshotBytes } from "./snapshot-probe.ts";

export type BulkResult = {
  routes: number;
  backends: number;
  createMs: number;
  allAcceptedMs: number | null;
  lastRouteServedMs: number | null;
  burstReconciles: { n: number; meanMs: number | null };
  singleChange: { n: number; meanReconcileMs: number | null; propagation: Summary };
  snapshotBytes: number | null;
  operatorRssBytes: number | null;
  proxyRssBytes: number | null;
};

const LABEL = "bench.ai-gateway/bulk";
const log = (s: string) => say("control-plane", s);

function labelled(o: Obj): Obj {
  return { ...o, metadata: { ...o.metadata, labels: { [LABEL]: "true" } } };
}

async function createAll(env: Env, objs: Obj[], concurrency = 16): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < objs.length) {
      const o = objs[next++];
      if (o) await create(env.kube, o);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

type Parent = { controllerName?: string; conditions?: Array<{ type: string; status: string }> };
type RouteList = { items: Array<{ status?: { parents?: Parent[] } }> };

async function countAccepted(env: Env): Promise<number> {
  const r = await env.kube.must("GET", `${airoutesPath(NS)}?labelSelector=${encodeURIComponent(LABEL)}`);
  const list = JSON.parse(r.body) as RouteList;
  return list.items.filter((it) =>
    it.status?.parents?.some(
      (p) =>
        p.controllerName === CONTROLLER_NAME &&
        p.conditions?.some((c) => c.type === "Accepted" && c.status === "True"),
    ),
  ).length;
}

/** Ms from t0 until every bulk route is Accepted by our controller (polled each second), or null. */
async function waitAllAccepted(
  env: Env,
  routes: number,
  t0: number,
  timeoutMs: number,
): Promise<number | null> {
  while (performance.now() - t0 < timeoutMs) {
    if ((await countAccepted(env)) >= routes) return performance.now() - t0;
    await sleep(1000);
  }
  return null;
}

export async function bulk(
  env: Env,
  routes: number,
  backends: number,
  timeoutMs: number,
): Promise<BulkResult> {
  const sim = { host: "127.0.0.1", port: env.sim.port };
  const before = await reconcileHisto(env.operatorAdmin);
  log(`creating ${backends} backends and ${routes} AIRoutes`);
  const t0 = performance.now();
  // The last route is created last: poll the proxy for it from the start, alongside the creates.
  const served = pollUntil(env.proxyUrl, `bulk-${routes - 1}.bulk.test`, 200, t0, timeoutMs, 20);
  await createAll(
    env,
    Array.from({ length: backends }, (_, i) => labelled(backend(`bulk-${i}`, sim))),
  );
  await createAll(
    env,
    Array.from({ length: routes }, (_, i) =>
      labelled(airoute(`bulk-${i}`, `bulk-${i}.bulk.test`, `bulk-${i % backends}`)),
    ),
  );
  const createMs = performance.now() - t0;
  log(`created in ${(createMs / 1000).toFixed(1)} s; waiting for Accepted`);
  const allAcceptedMs = await waitAllAccepted(env, routes, t0, timeoutMs);
  const lastRouteServedMs = await served;
  // Let the burst settle before reading the histogram.
  await sleep(2000);
  const afterBurst = await reconcileHisto(env.operatorAdmin);

  log("single changes at scale");
  const prop: number[] = [];
  const changes = 10;
  for (let i = 0; i < changes; i++) {
    const name = `bulk-extra-${i}`;
    await env.kube.must(
      "POST",
      airoutesPath(NS),
      labelled(airoute(name, `${name}.bulk.test`, "bulk-0")),
      [201],
    );
    const t = await pollUntil(env.proxyUrl, `${name}.bulk.test`, 200, performance.now(), 60_000);
    if (t !== null) prop.push(t);
  }
  await sleep(1000);
  const afterSingles = await reconcileHisto(env.operatorAdmin);
  const single = meanMs(afterBurst, afterSingles);

  let bytes: number | null = null;
  try {
    bytes = await snapshotBytes(env.snapshotUrl, env.token, `${NS}/${GW}`);
  } catch (err) {
    log(`snapshot size: ${(err as Error).message}`);
  }
  return {
    routes,
    backends,
    createMs,
    allAcceptedMs,
    lastRouteServedMs,
    burstReconciles: meanMs(before, afterBurst),
    singleChange: { n: single.n, meanReconcileMs: single.meanMs, propagation: summarize(prop) },
    snapshotBytes: bytes,
    operatorRssBytes: treeRssBytes(env.operator.pid),
    proxyRssBytes: treeRssBytes(env.proxy.pid),
  };
}
