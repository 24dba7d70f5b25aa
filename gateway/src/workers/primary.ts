// The primary of a worker-mode proxy (`--workers N`, N > 1): one snapshot subscription, one admin
// server, one set of Local policy counters; N node:cluster workers serve the listeners (the
// primary owns each listening socket and hands connections out round-robin). Every snapshot it
// validates and serves is handed to all workers; /ready is 200 when every worker serves the
// current version with its listeners open; /metrics is the sum over the primary and the workers
// (prom-client aggregation). A worker that dies is replaced and given the current snapshot.
import cluster, { type Worker } from "node:cluster";
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from "prom-client";
import type { ProxyFlags } from "../flags.ts";
import type { Logger } from "../log.ts";
import { startProxy, type UsageBody } from "../main.ts";
import { LocalCounterStore } from "../policy/store.ts";
import { shutdownSignal } from "../shutdown-signal.ts";
import { caFileReader } from "../snapshot/ca-file.ts";
import type { Snapshot } from "../snapshot/schema.ts";
import { tokenFileReader } from "../snapshot/token-file.ts";
import { serveCounterCall } from "./ipc-counters.ts";
import { isFromWorker, type ToWorker, type WorkerState } from "./messages.ts";

/** A worker that does not answer a metrics scrape in this long is left out of that scrape. */
const METRICS_TIMEOUT_MS = 2_000;
/** A replaced worker is forked after this long (a crash loop does not spin). */
const RESTART_DELAY_MS = 1_000;

interface Slot {
  worker: Worker;
  state: WorkerState | undefined;
}

export interface PrimaryOptions {
  shutdown: { graceMs: number; delayMs: number };
}

export async function runPrimary(f: ProxyFlags, log: Logger, opts: PrimaryOptions): Promise<void> {
  cluster.setupPrimary({ serialization: "advanced" });
  const slots = new Map<number, Slot>();
  const counters = new LocalCounterStore();
  let current: Snapshot | undefined;
  let stopping = false;
  /** Questions asked of the workers (metrics, usage), by id, waiting for their answers. */
  const waits = new Map<number, (answer: unknown) => void>();
  let nextAskId = 1;

  const sendTo = (slot: Slot, m: ToWorker): void => {
    if (slot.worker.isConnected()) slot.worker.send(m);
  };

  /** Asks every worker one question; a worker that does not answer in time is left out. */
  async function askWorkers<T>(ask: (id: number) => ToWorker): Promise<T[]> {
    const answers: (T | undefined)[] = await Promise.all(
      [...slots.values()].map(
        (slot) =>
          new Promise<T | undefined>((resolve) => {
            const id = nextAskId++;
            const timer = setTimeout(() => {
              waits.delete(id);
              resolve(undefined);
            }, METRICS_TIMEOUT_MS);
            waits.set(id, (answer) => {
              clearTimeout(timer);
              waits.delete(id);
              resolve(answer as T | undefined);
            });
            sendTo(slot, ask(id));
          }),
      ),
    );
    return answers.filter((a): a is T => a !== undefined);
  }

  /** The workers' counter views, merged: they share the counters, so the highest value is the latest;
   * ejected providers are the union of the workers' (each worker ejects on its own). */
  async function workersUsage(): Promise<UsageBody> {
    return mergeWorkerUsage(await askWorkers<UsageBody>((id) => ({ t: "usage", id })));
  }

  const handle = await startProxy({
    gateway: f.gateway,
    controlPlane: f.controlPlane,
    token: f.tokenFile ? tokenFileReader(f.tokenFile, f.token) : f.token,
    ...(f.snapshotCa ? { snapshotCa: caFileReader(f.snapshotCa) } : {}),
    adminPort: f.adminPort,
    bind: f.bind,
    limits: f.limits,
    ...(f.redis ? { redis: f.redis } : {}),
    serveListeners: false,
    usageSource: () => workersUsage(),
    localCounters: counters,
    log,
    onSwap: (snapshot) => {
      current = snapshot;
      for (const slot of slots.values()) sendTo(slot, { t: "snapshot", snapshot });
    },
    adminView: {
      draining: () => stopping,
      listenersOpen: () => {
        const version = current?.version;
        if (slots.size < f.workers) return false;
        for (const slot of slots.values()) {
          if (slot.state === undefined || slot.state.version !== version || !slot.state.listenersOpen)
            return false;
        }
        return true;
      },
      metrics: {
        get contentType() {
          return handle.metrics.registry.contentType;
        },
        metrics: () => aggregateMetrics(),
      },
    },
  });

  async function aggregateMetrics(): Promise<string> {
    const own = await handle.metrics.registry.getMetricsAsJSON();
    const answers = await askWorkers<MetricObjectWithValues<MetricValue<string>>[]>((id) => ({
      t: "metrics",
      id,
    }));
    const all = [own, ...answers];
    return AggregatorRegistry.aggregate(all).metrics();
  }

  const fork = (): void => {
    const worker = cluster.fork();
    const slot: Slot = { worker, state: undefined };
    slots.set(worker.id, slot);
    worker.on("message", (m: unknown) => {
      if (!isFromWorker(m)) return;
      switch (m.t) {
        case "started":
          if (current) sendTo(slot, { t: "snapshot", snapshot: current });
          return;
        case "state":
          slot.state = m.state;
          return;
        case "counters":
          serveCounterCall(counters, m.call).then(
            (answer) => sendTo(slot, { t: "counters-answer", id: m.id, answer }),
            (err: unknown) =>
              sendTo(slot, {
                t: "counters-answer",
                id: m.id,
                error: err instanceof Error ? err.message : String(err),
              }),
          );
          return;
        case "metrics-answer":
          waits.get(m.id)?.(m.metrics);
          return;
        case "usage-answer":
          waits.get(m.id)?.(m.usage);
          return;
      }
    });
    worker.on("exit", (code, signal) => {
      slots.delete(worker.id);
      if (stopping) return;
      log.error({ worker: worker.id, code, signal }, "proxy worker exited; starting a new one");
      setTimeout(() => {
        if (!stopping) fork();
      }, RESTART_DELAY_MS).unref();
    });
  };
  for (let i = 0; i < f.workers; i++) fork();
  log.info(
    { gateway: `${f.gateway.namespace}/${f.gateway.name}`, adminPort: handle.adminPort, workers: f.workers },
    "proxy started",
  );

  await shutdownSignal(log);
  stopping = true;
  const exits = [...slots.values()].map(
    (slot) =>
      new Promise<void>((resolve) => {
        if (!slot.worker.isConnected() && slot.worker.isDead()) return resolve();
        slot.worker.once("exit", () => resolve());
        sendTo(slot, { t: "close", graceMs: opts.shutdown.graceMs, delayMs: opts.shutdown.delayMs });
      }),
  );
  const bound = opts.shutdown.graceMs + opts.shutdown.delayMs + 5_000;
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, bound).unref())]);
  for (const slot of slots.values()) if (!slot.worker.isDead()) slot.worker.process.kill("SIGKILL");
  await handle.close();
}

/** Workers share their counters (Local ones in the primary, Global ones in Redis): one entry per counter. */
export function mergeWorkerUsage(reports: readonly UsageBody[]): UsageBody {
  const byCounter = new Map<string, UsageBody["entries"][number]>();
  const unavailable = new Set<string>();
  // each worker ejects on what it sees: a provider any worker ejects is reported, until the latest end
  const ejected = new Map<string, NonNullable<UsageBody["ejected"]>[number]>();
  for (const r of reports) {
    for (const e of r.entries) {
      const k = `${e.counters}|${e.limit}|${e.key}|${e.windowStart}`;
      const seen = byCounter.get(k);
      if (!seen || e.used > seen.used) byCounter.set(k, e);
    }
    for (const p of r.unavailable) unavailable.add(p);
    for (const e of r.ejected ?? []) {
      const k = `${e.backend}\u0000${e.provider}`;
      const seen = ejected.get(k);
      if (!seen || e.until > seen.until) ejected.set(k, e);
    }
  }
  const out: UsageBody = { entries: [...byCounter.values()], unavailable: [...unavailable].sort() };
  if (ejected.size > 0)
    out.ejected = [...ejected.values()].sort(
      (a, b) => a.backend.localeCompare(b.backend) || a.provider.localeCompare(b.provider),
    );
  return out;
}
