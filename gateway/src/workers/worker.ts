// A worker of a worker-mode proxy: serves the listeners (node:cluster shares each listening socket
// between the workers) with the snapshots its primary hands it, keeps Local policy counters in the
// primary, and reports what it serves. It has no stream and no admin server of its own.
import cluster from "node:cluster";
import type { ProxyFlags, ProxyLimits } from "../flags.ts";
import type { Logger } from "../log.ts";
import { startProxy } from "../main.ts";
import type { Snapshot } from "../snapshot/schema.ts";
import { IpcCounterStore } from "./ipc-counters.ts";
import { type FromWorker, isToWorker, type WorkerState } from "./messages.ts";

/** Process-wide caps are shared out: each of N workers gets its part (0 stays "no limit"). */
export function perWorkerLimits(limits: ProxyLimits, workers: number): ProxyLimits {
  const share = (n: number): number => (n === 0 ? 0 : Math.max(1, Math.ceil(n / workers)));
  return {
    ...limits,
    maxConnections: share(limits.maxConnections),
    maxInflightRequests: share(limits.maxInflightRequests),
    maxInflightBodyBytes: share(limits.maxInflightBodyBytes),
  };
}

export async function runWorker(f: ProxyFlags, log: Logger): Promise<void> {
  const send = (m: FromWorker): void => {
    process.send?.(m);
  };
  const counters = new IpcCounterStore(send);
  const handle = await startProxy({
    gateway: f.gateway,
    bind: f.bind,
    portMap: f.portMap,
    maxBodyBytes: f.maxBodyBytes,
    drainKilled: f.drainKilled,
    killGraceMs: f.killGraceMs,
    limits: perWorkerLimits(f.limits, f.workers),
    ...(f.redis ? { redis: f.redis } : {}),
    admin: false,
    localCounters: counters,
    log,
  });
  let served: Snapshot | undefined;
  const report = (): void => {
    const ports: Record<number, number> = {};
    for (const l of served?.listeners ?? []) {
      const local = handle.listenerPort(l.port);
      if (local !== undefined) ports[l.port] = local;
    }
    const state: WorkerState = { version: handle.version(), listenersOpen: handle.listenersOpen(), ports };
    send({ t: "state", state });
  };
  let closing = false;
  const close = (graceMs: number, delayMs: number): void => {
    if (closing) return;
    closing = true;
    void handle.close({ graceMs, delayMs }).finally(() => process.exit(0));
  };
  process.on("message", (m: unknown) => {
    if (!isToWorker(m)) return;
    switch (m.t) {
      case "counters-answer":
        counters.onMessage(m);
        return;
      case "snapshot": {
        const result = handle.apply(m.snapshot);
        if (result.accepted) served = m.snapshot as Snapshot;
        report();
        void result.listening.then(report);
        return;
      }
      case "metrics":
        void handle.metrics.registry
          .getMetricsAsJSON()
          .then((metrics) => send({ t: "metrics-answer", id: m.id, metrics }));
        return;
      case "usage":
        void handle.usage().then((usage) => send({ t: "usage-answer", id: m.id, usage }));
        return;
      case "close":
        close(m.graceMs, m.delayMs);
        return;
    }
  });
  // the primary coordinates shutdown; a terminal's Ctrl-C reaches the whole process group
  process.on("SIGINT", () => {});
  process.on("SIGTERM", () => {});
  // the primary is gone: nobody hands out snapshots or counts any more
  process.on("disconnect", () => close(0, 0));
  log.info({ worker: cluster.worker?.id }, "proxy worker started");
  send({ t: "started" });
}
