// Wiring only. startProxy() builds the data plane (store, route tables, pipeline, listeners, admin,
// metrics) and, when a control plane is given, the snapshot stream client. Without one, snapshots
// are fed through handle.apply() — the standalone mode reuses everything but the stream.
import cluster from "node:cluster";
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Registry } from "prom-client";
import { createAdminHandler, type MetricsSource } from "./admin.ts";
import {
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_LIMITS,
  DEFAULT_MAX_BODY_BYTES,
  PROXY_HELP,
  type ProxyLimits,
  parseProxyArgs,
  UsageError,
} from "./flags.ts";
import { HealthRegistry } from "./health/registry.ts";
import { createLogger, type Logger } from "./log.ts";
import { MetricChildren } from "./metrics/children.ts";
import { ModelLabels } from "./metrics/model-labels.ts";
import { createProxyMetrics, type ProxyMetrics } from "./metrics/registry.ts";
import { AgentPool } from "./pipeline/agents.ts";
import { type AzureTokenSource, AzureTokens } from "./pipeline/azure-token.ts";
import { BodyBudget } from "./pipeline/body-budget.ts";
import { Forwarder } from "./pipeline/forward.ts";
import { GcpTokens } from "./pipeline/gcp-token.ts";
import { createListenerHandler } from "./pipeline/handler.ts";
import { InFlightRegistry } from "./pipeline/inflight.ts";
import { PolicyEngine } from "./policy/engine.ts";
import { createPolicyMetrics } from "./policy/metrics.ts";
import { type CounterStore, LocalCounterStore } from "./policy/store.ts";
import { UsageTracker } from "./policy/usage.ts";
import { ListenerSet, startAdminServer } from "./server.ts";
import { shutdownSignal } from "./shutdown-signal.ts";
import type { BackoffOptions } from "./snapshot/backoff.ts";
import { caFileReader } from "./snapshot/ca-file.ts";
import { SnapshotClient } from "./snapshot/client.ts";
import type { CompiledProvider, CompiledRoute } from "./snapshot/compile.ts";
import { USAGE_REPORT_MS, type UsageReport } from "./snapshot/protocol.ts";
import type { Snapshot } from "./snapshot/schema.ts";
import { type ApplyResult, SnapshotStore } from "./snapshot/store.ts";
import { tokenFileReader } from "./snapshot/token-file.ts";
import { preloadTokenizer } from "./tokenizer.ts";

/** On SIGTERM, in-flight requests get this long to finish (within Kubernetes' default 30 s grace). */
const SHUTDOWN_GRACE_MS = 20_000;
/**
 * On SIGTERM the proxy first keeps accepting for this long, /ready already 503 and every answer
 * with `connection: close`: Service endpoints (kube-proxy rules) and keep-alive clients move away
 * from a terminating replica before it stops listening, so a rolling update drops no request.
 */
const SHUTDOWN_DELAY_MS = 5_000;

export interface ProxyOptions {
  /** "<namespace>/<name>" (or parts). Required with a control plane; else snapshots of any Gateway are served. */
  gateway?: string | { namespace: string; name: string };
  /** Base URL of the operator's snapshot server. Absent: feed snapshots with handle.apply(). */
  controlPlane?: string;
  /** ServiceAccount token for the stream, or a function returning it (a token file re-read on each use). */
  token?: string | (() => string);
  /** PEM bundle the operator's certificate must verify against; called on every reconnect. */
  snapshotCa?: () => string;
  proxyId?: string;
  /** Default 15000; 0 picks a free port (see handle.adminPort). */
  adminPort?: number;
  /** Default 0.0.0.0 (listeners and admin). */
  bind?: string;
  /** Gateway listener port → local port; 0 picks a free port (see handle.listenerPort). */
  portMap?: ReadonlyMap<number, number> | Record<number, number>;
  maxBodyBytes?: number;
  drainKilled?: boolean;
  killGraceMs?: number;
  /** Limits and timeouts that differ from DEFAULT_LIMITS (docs/cli.md). */
  limits?: Partial<ProxyLimits>;
  registry?: Registry;
  log?: Logger;
  /** Redis for Global policy counters (absent: Global limits fail per their failure mode). */
  redis?: { url: string; password?: string };
  /** Stream tuning (tests): ping interval and reconnect backoff. */
  stream?: { pingIntervalMs?: number; backoff?: BackoffOptions };
  /** Open the snapshot's listeners (default true; a worker-mode primary leaves them to workers). */
  serveListeners?: boolean;
  /** Start the admin server (default true; workers have none). */
  admin?: boolean;
  /** Where Local policy counters live (default: a Map in this process). */
  localCounters?: CounterStore;
  /** Called with every snapshot this process starts serving (a primary hands it to its workers). */
  onSwap?: (snapshot: Snapshot) => void;
  /** Policy counter reports (default: this process's own engine); a primary merges its workers'. */
  usageSource?: () => Promise<UsageBody>;
  /** How often usage reports go to the control plane (default USAGE_REPORT_MS). */
  usageReportMs?: number;
  /** What the admin server shows instead of this process's own state (a primary: its workers'). */
  adminView?: { metrics?: MetricsSource; listenersOpen?: () => boolean; draining?: () => boolean };
}

/** A usage report without the reporter's identity. */
export type UsageBody = Omit<UsageReport, "gateway" | "proxyId">;

export interface ProxyApplyResult extends ApplyResult {
  /** Settles when the listeners of the served snapshot are open (or failed to open, logged). */
  listening: Promise<void>;
}

export interface ProxyHandle {
  adminPort: number;
  /** Local port serving a listener, by listener name or Gateway port; undefined until open. */
  listenerPort(listener: string | number): number | undefined;
  /** Validate, compile and serve a snapshot (any unknown value; rejected ones keep the last good). */
  apply(snapshot: unknown): ProxyApplyResult;
  /** Version of the snapshot being served. */
  version(): number | undefined;
  /** True when every listener of the served snapshot is open in this process. */
  listenersOpen(): boolean;
  /** This process's view of its policy counters (what it reports to the control plane). */
  usage(): Promise<UsageBody>;
  metrics: ProxyMetrics;
  /**
   * Stop serving. /ready turns 503 at once; listeners keep accepting for `delayMs` (default 0) with
   * `connection: close` on every answer, then stop; in-flight requests get `graceMs` (default 0).
   */
  close(opts?: { graceMs?: number; delayMs?: number }): Promise<void>;
}

function gatewayKey(g: ProxyOptions["gateway"]): string | undefined {
  if (g === undefined) return undefined;
  return typeof g === "string" ? g : `${g.namespace}/${g.name}`;
}

function toMap(m: ProxyOptions["portMap"]): ReadonlyMap<number, number> {
  if (m === undefined) return new Map();
  if (m instanceof Map) return m;
  return new Map(Object.entries(m).map(([k, v]) => [Number(k), Number(v)]));
}

/** The providers with policies.health that the snapshot's routes use (each once). */
function healthProviders(routes: readonly CompiledRoute[] | undefined): CompiledProvider[] {
  const out = new Map<string, CompiledProvider>();
  for (const r of routes ?? [])
    for (const { backend } of r.backends)
      for (const p of backend.groups.flat()) if (p.health !== undefined) out.set(p.label, p);
  return [...out.values()];
}

/** The service-account keys a snapshot uses (their tokens are kept across swaps). */
function gcpCredentials(snapshot: Snapshot): string[] {
  const out: string[] = [];
  for (const b of snapshot.backends)
    for (const p of b.groups.flat()) if (p.auth.mode === "gcpServiceAccount") out.push(p.auth.credential);
  return out;
}

/** The Azure app registrations a snapshot uses (their tokens are kept across swaps). */
function azureSources(snapshot: Snapshot): AzureTokenSource[] {
  const out: AzureTokenSource[] = [];
  for (const b of snapshot.backends)
    for (const p of b.groups.flat()) if (p.auth.mode === "azureClientSecret") out.push(p.auth);
  return out;
}

export async function startProxy(opts: ProxyOptions = {}): Promise<ProxyHandle> {
  const log = opts.log ?? createLogger({ component: "proxy" });
  const metrics = createProxyMetrics(opts.registry);
  const gateway = gatewayKey(opts.gateway);
  const store = new SnapshotStore({ gateway, metrics, log: log.child({ subsystem: "snapshot" }) });
  const killGraceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
  const models = new ModelLabels();
  const children = new MetricChildren(metrics);
  const limits: ProxyLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const agents = new AgentPool({ connectTimeoutMs: limits.upstreamConnectTimeoutMs });
  const inflight = new InFlightRegistry({
    graceMs: killGraceMs,
    drain: opts.drainKilled === true,
    onKilled: (route) => metrics.killedRequests.inc({ gateway: store.gateway, route }),
  });
  const limited = (limit: "connections" | "requests" | "body_budget"): void => {
    metrics.limited.inc({ gateway: store.gateway, limit });
  };
  const handlerLog = log.child({ subsystem: "pipeline" });
  const localCounters = opts.localCounters ?? new LocalCounterStore();
  // ioredis is loaded only by a proxy configured with Redis (it costs ~7 MiB of heap)
  const globalCounters = opts.redis
    ? new (await import("./policy/redis-store.ts")).RedisCounterStore(opts.redis)
    : undefined;
  if (globalCounters) {
    // not fatal: until Redis answers, Global limits fail open or closed as their policies say
    await globalCounters.ready(5_000).catch((err: unknown) => {
      log.warn({ err: err instanceof Error ? err.message : String(err) }, "redis not ready");
    });
  }
  const usage = new UsageTracker();
  const policy = new PolicyEngine({
    local: localCounters,
    global: globalCounters,
    usage,
    metrics: createPolicyMetrics(metrics.registry),
    modelLabel: (m) => models.label(m),
  });
  const gcpTokens = new GcpTokens();
  const health = new HealthRegistry({
    onEject: (p, until) => {
      metrics.providerEjections.inc({ gateway: store.gateway, backend: p.backend, provider: p.config.name });
      handlerLog.warn(
        { backend: p.backend, provider: p.config.name, until: new Date(until).toISOString() },
        "provider ejected (policies.health)",
      );
    },
  });
  metrics.ejectionView = () => {
    const rows: { gateway: string; backend: string; provider: string; ejected: boolean }[] = [];
    for (const p of healthProviders(store.current?.routes))
      rows.push({
        gateway: store.gateway,
        backend: p.backend,
        provider: p.config.name,
        ejected: health.isEjected(p),
      });
    return rows;
  };
  const azureTokens = new AzureTokens();
  const handler = createListenerHandler({
    store,
    inflight,
    forwarder: new Forwarder(agents),
    gcpTokens,
    health,
    azureTokens,
    onCredentialError: (provider, message) =>
      handlerLog.warn({ provider, err: message }, "no access token for the provider"),
    upstreamTimeouts: { headerMs: limits.upstreamHeaderTimeoutMs, idleMs: limits.upstreamIdleTimeoutMs },
    children,
    gateway: () => store.gateway,
    maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    bodyBudget: new BodyBudget(limits.maxInflightBodyBytes),
    maxInflightRequests: limits.maxInflightRequests,
    onLimited: limited,
    onClientGone: () => metrics.clientDisconnects.inc({ gateway: store.gateway }),
    log: handlerLog,
    policy,
    metering: { metrics, children, models, gateway: () => store.gateway, log: handlerLog },
  });
  const bind = opts.bind ?? "127.0.0.1";
  let client: SnapshotClient | undefined;
  const listeners = new ListenerSet({
    bind,
    portMap: toMap(opts.portMap),
    handler,
    log: log.child({ subsystem: "listeners" }),
    closeGraceMs: killGraceMs,
    limits,
    onConnectionLimited: () => limited("connections"),
    onListenersChange: () => client?.reack(),
  });
  let listening: Promise<void> = Promise.resolve();
  store.onSwap((next) => {
    models.setKnown(next.models);
    children.reset();
    inflight.onRoutes(next.table.routeIds);
    agents.retain(next.upstreams);
    gcpTokens.retain(gcpCredentials(next.snapshot));
    health.retain(healthProviders(next.routes));
    azureTokens.retain(azureSources(next.snapshot));
    // token limits count with the o200k tokenizer: have it in memory before the first request needs it
    if ((next.snapshot.policies?.length ?? 0) > 0) preloadTokenizer();
    if (opts.serveListeners !== false) listening = listeners.sync(next.table.ports());
    opts.onSwap?.(next.snapshot);
  });
  let draining = false;
  let closing: Promise<void> | undefined;
  const admin =
    opts.admin === false
      ? undefined
      : await startAdminServer(
          opts.adminPort ?? 15000,
          bind,
          createAdminHandler({
            store,
            registry: opts.adminView?.metrics ?? metrics.registry,
            draining: () => draining || opts.adminView?.draining?.() === true,
            listenersOpen: opts.adminView?.listenersOpen ?? (() => listeners.allOpen()),
          }),
        );

  if (opts.controlPlane !== undefined) {
    const g =
      typeof opts.gateway === "string"
        ? opts.gateway.split("/")
        : [opts.gateway?.namespace, opts.gateway?.name];
    if (!g[0] || !g[1] || g.length !== 2)
      throw new UsageError("a gateway <namespace>/<name> is required with a control plane");
    client = new SnapshotClient({
      baseUrl: opts.controlPlane,
      gateway: { namespace: g[0], name: g[1] },
      token: opts.token ?? "",
      proxyId: opts.proxyId ?? `${hostname()}-${randomUUID()}`,
      ...(opts.snapshotCa ? { ca: opts.snapshotCa } : {}),
      apply: (raw) => store.apply(raw),
      listenerStates: async () => {
        await listening;
        return listeners.states();
      },
      log: log.child({ subsystem: "stream" }),
      pingIntervalMs: opts.stream?.pingIntervalMs,
      backoff: opts.stream?.backoff,
    });
    client.start();
  }
  const collectUsage =
    opts.usageSource ??
    (async (): Promise<UsageBody> => {
      const body = await usage.collect({ local: localCounters, global: globalCounters }, Date.now());
      const ejected = health.ejected();
      return ejected.length > 0 ? { ...body, ejected } : body;
    });
  let reported = false;
  const usageTimer =
    client === undefined
      ? undefined
      : setInterval(() => {
          void collectUsage().then((report) => {
            const empty =
              report.entries.length === 0 &&
              report.unavailable.length === 0 &&
              (report.ejected?.length ?? 0) === 0;
            // an empty report after a non-empty one clears what the operator shows
            if (empty && !reported) return;
            reported = !empty;
            return client?.reportUsage(report);
          });
        }, opts.usageReportMs ?? USAGE_REPORT_MS);
  usageTimer?.unref();

  return {
    adminPort: admin?.port ?? 0,
    listenerPort(listener) {
      const port =
        typeof listener === "number"
          ? listener
          : store.current?.snapshot.listeners.find((l) => l.name === listener)?.port;
      return port === undefined ? undefined : listeners.localPort(port);
    },
    apply(snapshot) {
      const result = store.apply(snapshot);
      return { ...result, listening };
    },
    version: () => store.version,
    listenersOpen: () => listeners.allOpen(),
    usage: () => collectUsage(),
    metrics,
    close(closeOpts = {}) {
      closing ??= (async () => {
        draining = true;
        clearInterval(usageTimer);
        listeners.drain();
        if ((closeOpts.delayMs ?? 0) > 0) await new Promise((r) => setTimeout(r, closeOpts.delayMs));
        await client?.close();
        await listeners.close(closeOpts.graceMs ?? 0);
        inflight.close();
        await admin?.close();
        agents.destroy();
        await localCounters.close();
        await globalCounters?.close();
      })();
      return closing;
    },
  };
}

/** `ai-gateway proxy …`: parse flags, run until SIGTERM/SIGINT. */
export async function runProxy(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseProxyArgs>;
  try {
    parsed = parseProxyArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ai-gateway proxy: ${err.message}\n\n${PROXY_HELP}`);
      process.exit(2); // usage error; stderr to a pipe or file is written synchronously
    }
    throw err;
  }
  if (parsed.help) {
    process.stdout.write(PROXY_HELP);
    return;
  }
  const f = parsed.flags;
  if (cluster.isWorker) {
    const log = createLogger({ component: "proxy" }).child({ worker: cluster.worker?.id });
    return (await import("./workers/worker.ts")).runWorker(f, log);
  }
  const log = createLogger({ component: "proxy" });
  if (f.workers > 1) {
    const { runPrimary } = await import("./workers/primary.ts");
    return runPrimary(f, log, { shutdown: { graceMs: SHUTDOWN_GRACE_MS, delayMs: SHUTDOWN_DELAY_MS } });
  }
  const handle = await startProxy({
    gateway: f.gateway,
    controlPlane: f.controlPlane,
    token: f.tokenFile ? tokenFileReader(f.tokenFile, f.token) : f.token,
    ...(f.snapshotCa ? { snapshotCa: caFileReader(f.snapshotCa) } : {}),
    adminPort: f.adminPort,
    bind: f.bind,
    portMap: f.portMap,
    maxBodyBytes: f.maxBodyBytes,
    drainKilled: f.drainKilled,
    ...(f.redis ? { redis: f.redis } : {}),
    killGraceMs: f.killGraceMs,
    limits: f.limits,
    log,
  });
  log.info(
    { gateway: `${f.gateway.namespace}/${f.gateway.name}`, adminPort: handle.adminPort },
    "proxy started",
  );
  await shutdownSignal(log);
  await handle.close({ graceMs: SHUTDOWN_GRACE_MS, delayMs: SHUTDOWN_DELAY_MS });
}
