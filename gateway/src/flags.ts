// `ai-gateway proxy` flags (docs/cli.md). Parsing is pure: it returns options or a usage error.
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";

export const DEFAULT_ADMIN_PORT = 15000;
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
export const DEFAULT_KILL_GRACE_MS = 1000;
export const TOKEN_ENV = "AI_GATEWAY_TOKEN";
/** Password of --redis-url (mounted from a Secret); never a flag, so it is not in the process list. */
export const REDIS_PASSWORD_ENV = "AI_GATEWAY_REDIS_PASSWORD";

/** What one proxy process accepts at once and how long it waits (docs/cli.md). */
export interface ProxyLimits {
  /** Request-body bytes buffered at once, all requests together (503 body_budget_exceeded beyond). */
  maxInflightBodyBytes: number;
  /** Open client connections; more are answered 503 and closed (0: no limit). */
  maxConnections: number;
  /** Requests handled at once; more get 503 overloaded (0: no limit). */
  maxInflightRequests: number;
  /** A client must send its request headers within this (408). */
  clientHeaderTimeoutMs: number;
  /** A client must send its whole request, body included, within this (408). */
  clientRequestTimeoutMs: number;
  /** Connecting to a provider (TCP and TLS). */
  upstreamConnectTimeoutMs: number;
  /** From sending the request to the provider's response headers; a route timeout replaces it. */
  upstreamHeaderTimeoutMs: number;
  /** Longest silence between two chunks of a provider's answer; a route timeout replaces it. */
  upstreamIdleTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<ProxyLimits> = {
  maxInflightBodyBytes: 64 * 1024 * 1024,
  maxConnections: 10_000,
  maxInflightRequests: 4096,
  clientHeaderTimeoutMs: 10_000,
  clientRequestTimeoutMs: 60_000,
  upstreamConnectTimeoutMs: 10_000,
  upstreamHeaderTimeoutMs: 300_000,
  upstreamIdleTimeoutMs: 120_000,
};

/** Flag name of each limit (kebab-case of the field). */
const LIMIT_FLAGS = {
  maxInflightBodyBytes: "max-inflight-body-bytes",
  maxConnections: "max-connections",
  maxInflightRequests: "max-inflight-requests",
  clientHeaderTimeoutMs: "client-header-timeout-ms",
  clientRequestTimeoutMs: "client-request-timeout-ms",
  upstreamConnectTimeoutMs: "upstream-connect-timeout-ms",
  upstreamHeaderTimeoutMs: "upstream-header-timeout-ms",
  upstreamIdleTimeoutMs: "upstream-idle-timeout-ms",
} as const satisfies Record<keyof ProxyLimits, string>;

export const PROXY_HELP = `Usage: ai-gateway proxy --gateway <namespace>/<name> --control-plane <url> [flags]

Serve one Gateway's listeners with the snapshots streamed by the operator.

Flags:
  --gateway <ns>/<name>     Gateway to serve (required)
  --control-plane <url>     base URL of the operator's snapshot server, e.g. http://127.0.0.1:15010 (required)
  --token-file <path>       ServiceAccount token for the stream (audience ai-gateway.dev/snapshots),
                            re-read on every reconnect (default: env ${TOKEN_ENV})
  --snapshot-ca <path>      PEM CA bundle the operator's certificate must verify against (an https
                            --control-plane); re-read on every reconnect, so CA rotation needs no restart
  --admin-port <port>       /health, /ready, /metrics, /config_dump (default ${DEFAULT_ADMIN_PORT})
  --port-map <list>         serve Gateway listener ports on local ports, e.g. 80=8080,443=8443
  --bind <address>          address the listeners and the admin server bind to (default 127.0.0.1;
                            the provisioned Deployment passes 0.0.0.0)
  --max-body-bytes <n>      larger request bodies get 413 request_too_large (default ${DEFAULT_MAX_BODY_BYTES})
  --drain-killed            let in-flight requests of a deleted route finish instead of aborting them
  --kill-grace-ms <ms>      time in-flight requests of a deleted route get before they are aborted (default ${DEFAULT_KILL_GRACE_MS})
  --max-inflight-body-bytes <n>  request-body bytes buffered at once, all requests together; beyond: 503 (default ${DEFAULT_LIMITS.maxInflightBodyBytes})
  --max-connections <n>     open client connections; beyond: 503 and closed, 0 = no limit (default ${DEFAULT_LIMITS.maxConnections})
  --max-inflight-requests <n>  requests handled at once; beyond: 503 overloaded, 0 = no limit (default ${DEFAULT_LIMITS.maxInflightRequests})
  --client-header-timeout-ms <ms>   time a client gets to send its headers; then 408 (default ${DEFAULT_LIMITS.clientHeaderTimeoutMs})
  --client-request-timeout-ms <ms>  time a client gets to send its whole request; then 408 (default ${DEFAULT_LIMITS.clientRequestTimeoutMs})
  --upstream-connect-timeout-ms <ms>  connecting to a provider (default ${DEFAULT_LIMITS.upstreamConnectTimeoutMs})
  --upstream-header-timeout-ms <ms>   waiting for a provider's response headers, unless the route sets a timeout (default ${DEFAULT_LIMITS.upstreamHeaderTimeoutMs})
  --upstream-idle-timeout-ms <ms>     silence between two chunks of a provider's answer, unless the route sets a timeout (default ${DEFAULT_LIMITS.upstreamIdleTimeoutMs})
  --workers <n|auto>        processes serving the listeners (default 1; auto: the cores this process
                            may use, its cgroup CPU limit included). With more than one, this process
                            holds the snapshot stream, the admin server and the Local policy counters
  --redis-url <url>         Redis for AgentgatewayPolicy counters with counters: Global, e.g. redis://redis:6379
                            (password: env ${REDIS_PASSWORD_ENV})
  -h, --help                show this help
`;

export interface ProxyFlags {
  gateway: { namespace: string; name: string };
  controlPlane: string;
  token: string;
  /** Re-read on every reconnect and ack (projected ServiceAccount tokens are rotated). */
  tokenFile?: string;
  /** CA bundle for an https control plane; re-read on every reconnect (the operator rotates its CA). */
  snapshotCa?: string;
  adminPort: number;
  portMap: Map<number, number>;
  bind: string;
  maxBodyBytes: number;
  drainKilled: boolean;
  killGraceMs: number;
  limits: ProxyLimits;
  redis?: { url: string; password?: string };
  /** Worker processes serving the listeners (1: this process serves them itself). */
  workers: number;
}

export class UsageError extends Error {
  override name = "UsageError";
}

const OPTIONS = {
  gateway: { type: "string" },
  "control-plane": { type: "string" },
  "token-file": { type: "string" },
  "snapshot-ca": { type: "string" },
  "admin-port": { type: "string" },
  "port-map": { type: "string" },
  bind: { type: "string" },
  "max-body-bytes": { type: "string" },
  "drain-killed": { type: "boolean" },
  "kill-grace-ms": { type: "string" },
  "max-inflight-body-bytes": { type: "string" },
  "max-connections": { type: "string" },
  "max-inflight-requests": { type: "string" },
  "client-header-timeout-ms": { type: "string" },
  "client-request-timeout-ms": { type: "string" },
  "upstream-connect-timeout-ms": { type: "string" },
  "upstream-header-timeout-ms": { type: "string" },
  "upstream-idle-timeout-ms": { type: "string" },
  "redis-url": { type: "string" },
  workers: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export function parseGatewayRef(value: string): { namespace: string; name: string } {
  const parts = value.split("/");
  if (parts.length !== 2 || !parts[0] || !parts[1])
    throw new UsageError(`--gateway must be <namespace>/<name>, got "${value}"`);
  return { namespace: parts[0], name: parts[1] };
}

function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer in [${min}, ${max}]`);
  return n;
}

/** "80=8080,443=8443" → Map{80→8080, 443→8443}; a local port of 0 picks any free port. */
export function parsePortMap(value: string | undefined): Map<number, number> {
  const map = new Map<number, number>();
  if (!value) return map;
  for (const pair of value.split(",")) {
    const m = /^\s*(\d+)\s*=\s*(\d+)\s*$/.exec(pair);
    const from = Number(m?.[1]);
    const to = Number(m?.[2]);
    if (!m || from < 1 || from > 65535 || to > 65535) {
      throw new UsageError(`--port-map entries are <gatewayPort>=<localPort>, got "${pair}"`);
    }
    map.set(from, to);
  }
  return map;
}

export type ParsedProxyArgs = { help: true } | { help: false; flags: ProxyFlags };

export function parseProxyArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ParsedProxyArgs {
  let values: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; args: string[] }>>["values"];
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return { help: true };
  if (!values.gateway) throw new UsageError("--gateway is required");
  if (!values["control-plane"]) throw new UsageError("--control-plane is required");
  let controlPlane: URL;
  try {
    controlPlane = new URL(values["control-plane"]);
  } catch {
    throw new UsageError("--control-plane must be a URL, e.g. http://127.0.0.1:15010");
  }
  const tokenFile = values["token-file"];
  let token = env[TOKEN_ENV];
  if (tokenFile) {
    try {
      token = readFileSync(tokenFile, "utf8").trim();
    } catch {
      throw new UsageError(`--token-file ${tokenFile} cannot be read`);
    }
  }
  if (!token) throw new UsageError(`a stream token is required: --token-file or env ${TOKEN_ENV}`);
  const snapshotCa = values["snapshot-ca"];
  if (snapshotCa !== undefined) {
    if (controlPlane.protocol !== "https:")
      throw new UsageError("--snapshot-ca needs an https:// --control-plane");
    try {
      if (!readFileSync(snapshotCa, "utf8").includes("BEGIN CERTIFICATE")) throw new Error("no certificate");
    } catch {
      throw new UsageError(`--snapshot-ca ${snapshotCa} cannot be read or holds no PEM certificate`);
    }
  }
  const redisUrl = values["redis-url"];
  if (redisUrl !== undefined && !/^rediss?:\/\/[^\s]+$/.test(redisUrl))
    throw new UsageError("--redis-url must be redis://host:port or rediss://host:port");
  const redisPassword = env[REDIS_PASSWORD_ENV];
  return {
    help: false,
    flags: {
      gateway: parseGatewayRef(values.gateway),
      controlPlane: controlPlane.toString(),
      token,
      ...(tokenFile ? { tokenFile } : {}),
      ...(snapshotCa ? { snapshotCa } : {}),
      adminPort: intFlag("admin-port", values["admin-port"], DEFAULT_ADMIN_PORT, 0, 65535),
      portMap: parsePortMap(values["port-map"]),
      bind: values.bind ?? "127.0.0.1",
      maxBodyBytes: intFlag("max-body-bytes", values["max-body-bytes"], DEFAULT_MAX_BODY_BYTES, 1, 2 ** 31),
      drainKilled: values["drain-killed"] === true,
      killGraceMs: intFlag("kill-grace-ms", values["kill-grace-ms"], DEFAULT_KILL_GRACE_MS, 0, 3_600_000),
      limits: parseLimits(values),
      workers: parseWorkers(values.workers),
      ...(redisUrl !== undefined
        ? { redis: { url: redisUrl, ...(redisPassword ? { password: redisPassword } : {}) } }
        : {}),
    },
  };
}

/** At most this many workers (a pod asking for more is a mistake, not a wish). */
export const MAX_WORKERS = 64;

/** "auto" → the cores this process may use (libuv reads the cgroup CPU quota); else 1..MAX_WORKERS. */
export function parseWorkers(value: string | undefined, cores: () => number = availableParallelism): number {
  if (value === undefined) return 1;
  if (value === "auto") return Math.max(1, Math.min(MAX_WORKERS, cores()));
  return intFlag("workers", value, 1, 1, MAX_WORKERS);
}

function parseLimits(values: Partial<Record<string, string | boolean>>): ProxyLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const [field, flag] of Object.entries(LIMIT_FLAGS) as [keyof ProxyLimits, string][]) {
    const v = values[flag];
    const min = field.endsWith("Ms") || field === "maxInflightBodyBytes" ? 1 : 0;
    out[field] = intFlag(flag, typeof v === "string" ? v : undefined, DEFAULT_LIMITS[field], min, 2 ** 31);
  }
  return out;
}

/** What launches a proxy needs to say; the inverse of parseProxyArgs for these flags. */
export interface ProxyLaunch {
  gateway: string;
  controlPlane: string;
  tokenFile: string;
  adminPort?: number;
  /** Gateway listener port → local port. */
  portMap?: ReadonlyMap<number, number> | Readonly<Record<number, number>>;
  bind?: string;
  /** Limits that differ from the defaults. */
  limits?: Partial<ProxyLimits>;
  redisUrl?: string;
  /** "--workers": a count or "auto". */
  workers?: number | "auto";
  /** "--snapshot-ca": the PEM bundle the operator's certificate must verify against. */
  snapshotCa?: string;
}

/** argv for `ai-gateway proxy` (without the leading "proxy"), for every launcher of a proxy:
 * the provisioner's Deployment, npm run dev, tests and benchmarks. */
export function formatProxyArgs(l: ProxyLaunch): string[] {
  const args = ["--gateway", l.gateway, "--control-plane", l.controlPlane, "--token-file", l.tokenFile];
  if (l.adminPort !== undefined) args.push("--admin-port", String(l.adminPort));
  const entries =
    l.portMap instanceof Map
      ? [...l.portMap]
      : Object.entries(l.portMap ?? {}).map(([k, v]) => [Number(k), v]);
  if (entries.length > 0) args.push("--port-map", entries.map(([from, to]) => `${from}=${to}`).join(","));
  if (l.bind !== undefined) args.push("--bind", l.bind);
  for (const [field, flag] of Object.entries(LIMIT_FLAGS) as [keyof ProxyLimits, string][]) {
    const v = l.limits?.[field];
    if (v !== undefined) args.push(`--${flag}`, String(v));
  }
  if (l.redisUrl !== undefined) args.push("--redis-url", l.redisUrl);
  if (l.workers !== undefined) args.push("--workers", String(l.workers));
  if (l.snapshotCa !== undefined) args.push("--snapshot-ca", l.snapshotCa);
  return args;
}
