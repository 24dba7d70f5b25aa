// `ai-gateway standalone -f <dir|file>`: the product without Kubernetes. The same manifests a
// cluster user writes, the same translator, the same proxy; files are watched and hot-reloaded.
// A bad file is reported (file, line, object, field) and the last good config keeps serving.
import { parseArgs } from "node:util";
import {
  DEFAULT_ADMIN_PORT,
  DEFAULT_KILL_GRACE_MS,
  DEFAULT_MAX_BODY_BYTES,
  parsePortMap,
  UsageError,
} from "../../gateway/src/flags.ts";
import { createLogger, type Logger } from "../../gateway/src/log.ts";
import { type ProxyHandle, startProxy } from "../../gateway/src/main.ts";
import { CONTROLLER_NAME } from "./api/gateway-api.ts";
import { formatProblem, type LoadResult, loadManifests } from "./sources/files/manifests.ts";
import { watchManifests } from "./sources/files/watch.ts";
import { GatewaySet } from "./standalone/gateway-set.ts";
import { statusRecords } from "./standalone/status-report.ts";

export const STANDALONE_HELP = `Usage: ai-gateway standalone -f <dir|file> [flags]

Serve Gateways from local YAML manifests (Secret, AgentgatewayBackend, Gateway, AIRoute,
HTTPRoute, ReferenceGrant), with no Kubernetes. Files are watched: edits apply at once, and a
broken file is reported while the last good config keeps serving.

Flags:
  -f, --file <path>           manifest file or directory, read recursively (required)
  --admin-port <port>         /health, /ready, /metrics, /config_dump of the first Gateway (default ${DEFAULT_ADMIN_PORT})
  --port-map <list>           serve Gateway listener ports on local ports, e.g. 80=8080
  --bind <address>            address the listeners bind to (default 0.0.0.0)
  --max-body-bytes <n>        larger request bodies get 413 request_too_large (default ${DEFAULT_MAX_BODY_BYTES})
  --drain-killed              let in-flight requests of a deleted route finish instead of aborting them
  --kill-grace-ms <ms>        time in-flight requests of a deleted route get (default ${DEFAULT_KILL_GRACE_MS})
  --provider-override <url>   DEV ONLY: send every provider's default endpoint (and Entra's token endpoint) to this base URL
  --no-watch                  read the files once
  -h, --help                  show this help
`;

export interface StandaloneOptions {
  path: string;
  adminPort?: number;
  portMap?: Map<number, number>;
  bind?: string;
  maxBodyBytes?: number;
  drainKilled?: boolean;
  killGraceMs?: number;
  providerOverride?: string;
  watch?: boolean;
  log?: Logger;
}

export interface Standalone {
  /** The proxy serving a Gateway ("<namespace>/<name>"). */
  proxy(gateway: string): ProxyHandle | undefined;
  /** Resolves after the next reload has been applied (or rejected). */
  nextReload(): Promise<void>;
  close(): Promise<void>;
}

export async function startStandalone(opts: StandaloneOptions): Promise<Standalone> {
  const log = opts.log ?? createLogger({ component: "standalone" });
  const set = new GatewaySet({
    settings: { controllerName: CONTROLLER_NAME, providerOverride: opts.providerOverride },
    proxy: {
      adminPort: opts.adminPort ?? DEFAULT_ADMIN_PORT,
      portMap: opts.portMap,
      // A standalone process is usually the whole gateway (a container): all interfaces, as documented.
      bind: opts.bind ?? "0.0.0.0",
      maxBodyBytes: opts.maxBodyBytes,
      drainKilled: opts.drainKilled,
      killGraceMs: opts.killGraceMs,
    },
    log,
    startProxy,
  });
  let waiters: (() => void)[] = [];
  let chain = Promise.resolve();
  const onLoad = (result: LoadResult): void => {
    chain = chain
      .then(() => applyLoad(set, result, log))
      .finally(() => {
        const w = waiters;
        waiters = [];
        for (const resolve of w) resolve();
      });
  };
  onLoad(await loadManifests(opts.path));
  await chain;
  const watcher = opts.watch === false ? undefined : await watchManifests(opts.path, onLoad);
  return {
    proxy: (g) => set.proxy(g),
    nextReload: () => new Promise<void>((resolve) => waiters.push(resolve)),
    async close() {
      watcher?.close();
      await chain;
      await set.close();
    },
  };
}

async function applyLoad(set: GatewaySet, result: LoadResult, log: Logger): Promise<void> {
  if (result.problems.length > 0) {
    for (const p of result.problems) {
      log.error({ file: p.file, line: p.line, object: p.object, field: p.field }, formatProblem(p));
    }
    log.error(
      { problems: result.problems.length },
      "manifests not applied: fix the errors above; the last good config keeps serving",
    );
    return;
  }
  try {
    const outcome = await set.apply(result.objects);
    for (const r of statusRecords(outcome.statuses)) {
      const fields = { object: r.object, condition: r.condition, reason: r.reason };
      if (r.level === "warn") log.warn(fields, r.message);
      else log.info(fields, r.message);
    }
    for (const r of outcome.rejected)
      log.error({ rejected: r }, "a proxy rejected its snapshot; it keeps the last good");
    log.info({ files: result.files.length, gateways: outcome.gateways }, "manifests applied");
  } catch (err) {
    log.error(
      { err: (err as Error).message },
      "applying manifests failed; the last good config keeps serving",
    );
  }
}

function intOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer`);
  return n;
}

export function parseStandaloneArgs(argv: string[]): StandaloneOptions | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        file: { type: "string", short: "f" },
        "admin-port": { type: "string" },
        "port-map": { type: "string" },
        bind: { type: "string" },
        "max-body-bytes": { type: "string" },
        "drain-killed": { type: "boolean" },
        "kill-grace-ms": { type: "string" },
        "provider-override": { type: "string" },
        "no-watch": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (values.help) return "help";
  if (typeof values.file !== "string") throw new UsageError("-f/--file <dir|file> is required");
  const override = values["provider-override"];
  if (typeof override === "string") {
    try {
      new URL(override);
    } catch {
      throw new UsageError("--provider-override must be a URL, e.g. http://127.0.0.1:9000");
    }
  }
  const str = (k: string): string | undefined =>
    typeof values[k] === "string" ? (values[k] as string) : undefined;
  return {
    path: values.file,
    adminPort: intOption("admin-port", str("admin-port")),
    portMap: parsePortMap(str("port-map")),
    bind: str("bind"),
    maxBodyBytes: intOption("max-body-bytes", str("max-body-bytes")),
    drainKilled: values["drain-killed"] === true,
    killGraceMs: intOption("kill-grace-ms", str("kill-grace-ms")),
    providerOverride: typeof override === "string" ? override : undefined,
    watch: values["no-watch"] !== true,
  };
}

export async function runStandalone(argv: string[]): Promise<void> {
  let opts: StandaloneOptions | "help";
  try {
    opts = parseStandaloneArgs(argv);
  } catch (err) {
    process.stderr.write(`ai-gateway standalone: ${(err as Error).message}\n\n${STANDALONE_HELP}`);
    process.exitCode = 2;
    return;
  }
  if (opts === "help") {
    process.stdout.write(STANDALONE_HELP);
    return;
  }
  const app = await startStandalone(opts);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await app.close();
}
