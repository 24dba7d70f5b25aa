// A real Prometheus (/usr/bin/prometheus, Debian package `prometheus`) for e2e tests: a temp dir
// with its config, TSDB and log; it scrapes the given loopback targets every second and listens on
// a free loopback port. query() runs PromQL through the HTTP API; stop() kills it and removes the
// dir (also on process exit, and through the reaper if the test runner is killed outright).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { z } from "zod";
import { onProcessExit } from "./exit-cleanup.ts";
import { freePort, LOOPBACK } from "./free-port.ts";
import { logTail, type ManagedProcess, sleep, spawnProcess, terminate } from "./process.ts";
import { startReaper } from "./reaper.ts";

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";

export const PrometheusErrorCode = {
  BinaryMissing: "PROMETHEUS_BINARY_MISSING",
  NotReady: "PROMETHEUS_NOT_READY",
  Query: "PROMETHEUS_QUERY",
  Targets: "PROMETHEUS_TARGETS_DOWN",
} as const;
export type PrometheusErrorCode = (typeof PrometheusErrorCode)[keyof typeof PrometheusErrorCode];

export class PrometheusError extends Error {
  readonly code: PrometheusErrorCode;
  /** Prometheus' errorType for query errors (bad_data for a parse error). */
  readonly errorType: string | undefined;
  constructor(code: PrometheusErrorCode, message: string, errorType?: string) {
    super(`${code}: ${message}`);
    this.name = "PrometheusError";
    this.code = code;
    this.errorType = errorType;
  }
}

export type ScrapeTarget = {
  job: string;
  /** host:port on loopback, e.g. 127.0.0.1:15000 */
  address: string;
  /** Default /metrics. */
  metricsPath?: string;
};

export type Sample = { metric: Record<string, string>; value: [number, string] };

export type QueryResult =
  | { resultType: "vector"; result: Sample[] }
  | { resultType: "scalar" | "string"; result: [number, string] }
  | { resultType: "matrix"; result: { metric: Record<string, string>; values: [number, string][] }[] };

export type TargetHealth = { job: string; address: string; health: string; lastError: string };

export type Prometheus = {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly dir: string;
  readonly logPath: string;
  /** Instant query. Throws PrometheusError (code PROMETHEUS_QUERY, errorType) on a bad query. */
  query(promql: string): Promise<QueryResult>;
  /** Health of every configured target, from /api/v1/targets. */
  targets(): Promise<TargetHealth[]>;
  /** Resolves once every target has been scraped successfully at least once. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
  /** Kills Prometheus and removes its dir. Idempotent. */
  stop(): Promise<void>;
};

const Labels = z.record(z.string(), z.string());
const Point = z.tuple([z.number(), z.string()]);
const QueryData = z.discriminatedUnion("resultType", [
  z.object({ resultType: z.literal("vector"), result: z.array(z.object({ metric: Labels, value: Point })) }),
  z.object({ resultType: z.literal("scalar"), result: Point }),
  z.object({ resultType: z.literal("string"), result: Point }),
  z.object({
    resultType: z.literal("matrix"),
    result: z.array(z.object({ metric: Labels, values: z.array(Point) })),
  }),
]);
const ApiResponse = z.discriminatedUnion("status", [
  z.object({ status: z.literal("success"), data: z.unknown() }),
  z.object({ status: z.literal("error"), errorType: z.string(), error: z.string() }),
]);
const TargetsData = z.object({
  activeTargets: z.array(
    z.object({
      labels: Labels,
      scrapeUrl: z.string(),
      health: z.string(),
      lastError: z.string(),
    }),
  ),
});

const PORT_ATTEMPTS = 3;
const READY_TIMEOUT_MS = 30_000;

function configYaml(targets: ScrapeTarget[]): string {
  return stringify({
    global: { scrape_interval: "1s", scrape_timeout: "1s", evaluation_interval: "1s" },
    scrape_configs: targets.map((t) => ({
      job_name: t.job,
      metrics_path: t.metricsPath ?? "/metrics",
      static_configs: [{ targets: [t.address] }],
    })),
  });
}

function args(dir: string, port: number): string[] {
  return [
    `--config.file=${join(dir, "prometheus.yml")}`,
    `--storage.tsdb.path=${join(dir, "data")}`,
    "--storage.tsdb.retention.time=1h",
    `--web.listen-address=${LOOPBACK}:${port}`,
    `--web.external-url=http://${LOOPBACK}:${port}/`,
    "--log.format=json",
  ];
}

async function api(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const body = ApiResponse.parse(await res.json());
  if (body.status === "error") {
    throw new PrometheusError(PrometheusErrorCode.Query, `${body.errorType}: ${body.error}`, body.errorType);
  }
  return body.data;
}

async function waitReady(url: string, proc: ManagedProcess): Promise<"ready" | "exited"> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!proc.alive()) return "exited";
    try {
      const res = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return "ready";
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new PrometheusError(PrometheusErrorCode.NotReady, `not ready after ${READY_TIMEOUT_MS} ms`);
}

function client(url: string, dir: string, logPath: string, stop: () => Promise<void>): Prometheus {
  const targets = async (): Promise<TargetHealth[]> => {
    const data = TargetsData.parse(await api(`${url}/api/v1/targets?state=active`));
    return data.activeTargets.map((t) => ({
      job: t.labels.job ?? "",
      address: t.labels.instance ?? t.scrapeUrl,
      health: t.health,
      lastError: t.lastError,
    }));
  };
  return {
    url,
    dir,
    logPath,
    query: async (promql) =>
      QueryData.parse(await api(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)),
    targets,
    waitForTargetsUp: async (timeoutMs = 30_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const all = await targets();
        if (all.length > 0 && all.every((t) => t.health === "up")) return;
        if (Date.now() > deadline) {
          const down = all
            .filter((t) => t.health !== "up")
            .map((t) => `${t.job} ${t.address}: ${t.lastError}`);
          throw new PrometheusError(PrometheusErrorCode.Targets, `targets not up: ${down.join("; ")}`);
        }
        await sleep(250);
      }
    },
    stop,
  };
}

/** Starts Prometheus scraping `targets` every second. See the file header. */
export async function startPrometheus(opts: { targets: ScrapeTarget[] }): Promise<Prometheus> {
  if (!existsSync(PROMETHEUS_BIN)) {
    throw new PrometheusError(
      PrometheusErrorCode.BinaryMissing,
      `${PROMETHEUS_BIN} is missing: install the Debian package prometheus (scripts/system-deps.sh)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "ai-gateway-prom-"));
  const logPath = join(dir, "prometheus.log");
  writeFileSync(join(dir, "prometheus.yml"), configYaml(opts.targets));
  const reaper = startReaper(dir);
  let proc: ManagedProcess | undefined;
  const unregister = onProcessExit(() => {
    proc?.signal("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (proc) await terminate(proc, 5_000);
      reaper.release();
      unregister();
      rmSync(dir, { recursive: true, force: true });
    })();
    return stopping;
  };
  try {
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const url = `http://${LOOPBACK}:${port}`;
      proc = spawnProcess({
        name: "prometheus",
        command: PROMETHEUS_BIN,
        args: args(dir, port),
        logPath,
        detached: false,
      });
      reaper.watch(proc.pid);
      if ((await waitReady(url, proc)) === "ready") return client(url, dir, logPath, stop);
      reaper.forget(proc.pid);
      const tail = logTail(logPath);
      if (!tail.includes("address already in use") || attempt >= PORT_ATTEMPTS) {
        throw new PrometheusError(PrometheusErrorCode.NotReady, `prometheus exited:\n${tail}`);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
}
