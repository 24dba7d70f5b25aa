// `ai-gateway operator`: flags, then wiring only — informers → controller (translate) →
// snapshot server, status writer, provisioner, leader election, admin server.
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { createLogger, type Logger } from "../../gateway/src/log.ts";
import { USAGE_REPORT_MS } from "../../gateway/src/snapshot/protocol.ts";
import packageJson from "../../package.json" with { type: "json" };
import { CONTROLLER_NAME } from "./api/gateway-api.ts";
import { AdminServer } from "./edges/admin-server.ts";
import { serviceDnsNames } from "./edges/ca.ts";
import { CaStore } from "./edges/ca-store.ts";
import { Controller } from "./edges/controller.ts";
import { ConfigError, describeError } from "./edges/errors.ts";
import { EventRecorder } from "./edges/event-recorder.ts";
import { LeaderElector } from "./edges/leader-election.ts";
import { Provisioner } from "./edges/provisioner.ts";
import { tokenReviewAuthenticator } from "./edges/proxy-auth.ts";
import type { ProvisionSettings } from "./edges/proxy-manifests.ts";
import { ServingTls, type TlsMaterial } from "./edges/serving-tls.ts";
import { SnapshotServer } from "./edges/snapshot-server.ts";
import { StatusWriter } from "./edges/status-writer.ts";
import { Throttle } from "./edges/throttle.ts";
import { createOperatorMetrics } from "./metrics.ts";
import { KubeClient } from "./sources/kubernetes/client.ts";
import { ClusterCache } from "./sources/kubernetes/cluster-cache.ts";

export const VERSION: string = packageJson.version;

export interface OperatorOptions {
  snapshotPort: number;
  adminPort: number;
  bind: string;
  controllerName: string;
  provision: boolean;
  proxyImage: string;
  controlPlaneUrl: string;
  leaderElect: boolean;
  namespace: string;
  providerOverride?: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  /** Policy status from counter reports is rewritten at most this often (default USAGE_REPORT_MS). */
  usageStatusIntervalMs?: number;
  /** Serve the snapshot stream over TLS from the operator CA (Secret ai-gateway-ca). */
  snapshotTls: boolean;
  caValidityMs: number;
  /** Write the CA bundle here whenever it changes (out-of-cluster proxies' --snapshot-ca). */
  caBundleFile?: string;
}

const FLAGS = {
  "snapshot-port": { type: "string", default: "15010" },
  "admin-port": { type: "string", default: "15020" },
  bind: { type: "string", default: "127.0.0.1" },
  "controller-name": { type: "string", default: CONTROLLER_NAME },
  provision: { type: "boolean", default: true },
  "proxy-image": { type: "string", default: `ghcr.io/ai-gateway/ai-gateway:${VERSION}` },
  "control-plane-url": { type: "string" },
  "leader-elect": { type: "boolean", default: true },
  namespace: { type: "string" },
  "provider-override": { type: "string" },
  "lease-duration": { type: "string", default: "15s" },
  "renew-deadline": { type: "string", default: "10s" },
  "retry-period": { type: "string", default: "2s" },
  "snapshot-tls": { type: "boolean", default: true },
  "ca-validity": { type: "string", default: "8760h" },
  "ca-bundle-file": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

export const OPERATOR_USAGE = `Usage: ai-gateway operator [flags]

Runs the control plane: watches Gateway API and agentgateway.dev objects, streams snapshots to
proxies, writes status, provisions one proxy Deployment per Gateway. Kubernetes config comes from
the in-cluster service account or KUBECONFIG.

Flags:
  --snapshot-port <port>        snapshot stream server, proxies subscribe here (default 15010)
  --admin-port <port>           /metrics, /healthz, /readyz (default 15020)
  --bind <address>              address both servers listen on (default 127.0.0.1; the chart
                                passes 0.0.0.0)
  --controller-name <name>      GatewayClass controllerName we own (default ${CONTROLLER_NAME})
  --provision, --no-provision   create a Deployment/Service/ServiceAccount per Gateway (default on)
  --proxy-image <image>         image of provisioned proxies (default ghcr.io/ai-gateway/ai-gateway:${VERSION})
  --control-plane-url <url>     snapshot URL given to provisioned proxies
                                (default https://ai-gateway-operator.<namespace>.svc:15010; http:// with --no-snapshot-tls)
  --leader-elect, --no-leader-elect
                                Lease ai-gateway-operator in --namespace (default on)
  --namespace <ns>              where the Lease lives
                                (default: env POD_NAMESPACE or ai-gateway-system)
  --lease-duration <d>          leader Lease duration (default 15s)
  --renew-deadline <d>          leader steps down when it cannot renew for this long (default 10s)
  --retry-period <d>            Lease acquire/renew interval (default 2s)
  --snapshot-tls, --no-snapshot-tls
                                serve snapshots over TLS from the operator CA kept in the Secret
                                ai-gateway-ca in --namespace (default on; provisioned proxies get
                                the CA bundle in a ConfigMap <gateway>-snapshot-ca). Off only with
                                a loopback --bind (local development)
  --ca-validity <d>             lifetime of a new operator CA (default 8760h = 1 year)
  --ca-bundle-file <path>       write the CA bundle here (for proxies run out of cluster)
  --provider-override <url>     DEV ONLY: send every provider's default endpoint (and Entra's token endpoint) to this base URL
  -h, --help                    show this help
`;

/** Parse `ai-gateway operator` flags; throws ConfigError with a clear message. */
export function parseOperatorArgs(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): OperatorOptions | "help" {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) return "help";
  const namespace = values.namespace ?? env.POD_NAMESPACE ?? "ai-gateway-system";
  const renewDeadlineMs = duration("renew-deadline", values["renew-deadline"]);
  const leaseDurationMs = duration("lease-duration", values["lease-duration"]);
  if (renewDeadlineMs >= leaseDurationMs)
    throw new ConfigError("--renew-deadline must be shorter than --lease-duration");
  const snapshotTls = values["snapshot-tls"];
  if (!snapshotTls && !isLoopbackBind(values.bind))
    throw new ConfigError(
      `--no-snapshot-tls serves provider keys in clear text: allowed only with a loopback --bind (got ${values.bind})`,
    );
  return {
    snapshotPort: port("snapshot-port", values["snapshot-port"]),
    adminPort: port("admin-port", values["admin-port"]),
    bind: values.bind,
    controllerName: values["controller-name"],
    provision: values.provision,
    proxyImage: values["proxy-image"],
    controlPlaneUrl: url(
      "control-plane-url",
      values["control-plane-url"] ??
        `${snapshotTls ? "https" : "http"}://ai-gateway-operator.${namespace}.svc:15010`,
    ),
    leaderElect: values["leader-elect"],
    namespace,
    ...(values["provider-override"]
      ? { providerOverride: url("provider-override", values["provider-override"]) }
      : {}),
    leaseDurationMs,
    renewDeadlineMs,
    retryPeriodMs: duration("retry-period", values["retry-period"]),
    snapshotTls,
    caValidityMs: duration("ca-validity", values["ca-validity"]),
    ...(values["ca-bundle-file"] ? { caBundleFile: values["ca-bundle-file"] } : {}),
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: FLAGS,
    allowNegative: true,
    strict: true,
    allowPositionals: false,
  });
}

function port(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new ConfigError(`--${flag}: not a port number: ${value}`);
  return n;
}

function url(flag: string, value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("not http(s)");
    return value.replace(/\/$/, "");
  } catch {
    throw new ConfigError(`--${flag}: not an http(s) URL: ${value}`);
  }
}

function duration(flag: string, value: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(value);
  if (!m?.[1]) throw new ConfigError(`--${flag}: not a duration like 15s or 500ms: ${value}`);
  const n = Number(m[1]);
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const ms = n * (unit[m[2] ?? "ms"] ?? 1);
  if (ms <= 0) throw new ConfigError(`--${flag}: must be positive`);
  return ms;
}

export interface OperatorHandle {
  snapshotPort: number;
  adminPort: number;
  stop(): Promise<void>;
}

/** Start every part of the operator; resolves once both servers listen. */
export async function startOperator(
  opts: OperatorOptions,
  base: Logger = createLogger(),
): Promise<OperatorHandle> {
  const log = base.child({ component: "operator" });
  const client = KubeClient.fromDefault();
  const metrics = createOperatorMetrics();
  const identity = `${process.env.POD_NAME ?? hostname()}_${randomBytes(4).toString("hex")}`;
  let leader = !opts.leaderElect;
  let controller: Controller | undefined;
  // policy counter reports rewrite policy status at most every USAGE_REPORT_MS
  const usageThrottle = new Throttle(
    () => controller?.trigger(),
    opts.usageStatusIntervalMs ?? USAGE_REPORT_MS,
  );
  const provisionSettings: ProvisionSettings = {
    image: opts.proxyImage,
    controlPlaneUrl: opts.controlPlaneUrl,
  };
  let snapshots: SnapshotServer | undefined;
  let servingTls: ServingTls | undefined;
  let tls: TlsMaterial | undefined;
  if (opts.snapshotTls) {
    const publish = (m: TlsMaterial) => {
      snapshots?.setTls(m);
      if (opts.caBundleFile) writeFileSync(opts.caBundleFile, m.bundle);
      // a rotated CA reaches provisioned proxies through their ConfigMaps
      if (provisionSettings.caBundle !== m.bundle) {
        provisionSettings.caBundle = m.bundle;
        controller?.trigger();
      }
    };
    servingTls = new ServingTls({
      ca: new CaStore({ client, namespace: opts.namespace, caValidityMs: opts.caValidityMs }),
      // the names proxies dial: the default Service's, and the host of --control-plane-url (the chart's Service)
      dnsNames: [
        ...new Set([
          ...serviceDnsNames("ai-gateway-operator", opts.namespace),
          ...(isIP(new URL(opts.controlPlaneUrl).hostname) ? [] : [new URL(opts.controlPlaneUrl).hostname]),
        ]),
      ],
      log: base.child({ component: "snapshot-tls" }),
      onChange: publish,
      // A short --ca-validity (tests) must be noticed well before the CA expires.
      checkEveryMs: Math.max(1000, Math.min(3_600_000, opts.caValidityMs / 20)),
    });
    tls = await servingTls.start();
    provisionSettings.caBundle = tls.bundle;
    if (opts.caBundleFile) writeFileSync(opts.caBundleFile, tls.bundle);
  }
  snapshots = new SnapshotServer({
    ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
    authenticate: tokenReviewAuthenticator({ client }),
    log: base.child({ component: "snapshot-server" }),
    metrics,
    onDataPlaneChange: () => controller?.trigger(),
    onUsage: () => usageThrottle.call(),
  });
  const cache = new ClusterCache({
    client,
    log: base.child({ component: "informer" }),
    onChange: () => controller?.trigger(),
  });
  controller = new Controller({
    cache,
    snapshots,
    statusWriter: new StatusWriter({
      client,
      cache,
      controllerName: opts.controllerName,
      log: base.child({ component: "status-writer" }),
      metrics,
      events: new EventRecorder({ client, log: base.child({ component: "events" }) }),
    }),
    ...(opts.provision
      ? {
          provisioner: new Provisioner({
            client,
            log: base.child({ component: "provisioner" }),
            settings: provisionSettings,
          }),
        }
      : {}),
    settings: {
      controllerName: opts.controllerName,
      ...(opts.providerOverride ? { providerOverride: opts.providerOverride } : {}),
    },
    log: base.child({ component: "controller" }),
    metrics,
    isLeader: () => leader,
  });
  const onLeadership = (isLeader: boolean) => {
    leader = isLeader;
    metrics.isLeader.set(isLeader ? 1 : 0);
    snapshots.setServing(isLeader);
    controller?.leadershipChanged();
  };
  const elector = opts.leaderElect
    ? new LeaderElector({
        client,
        log: base.child({ component: "leader-election" }),
        namespace: opts.namespace,
        identity,
        leaseDurationMs: opts.leaseDurationMs,
        renewDeadlineMs: opts.renewDeadlineMs,
        retryPeriodMs: opts.retryPeriodMs,
        onStartedLeading: () => onLeadership(true),
        onStoppedLeading: () => onLeadership(false),
      })
    : undefined;
  const admin = new AdminServer({
    registry: metrics.registry,
    readiness: () => {
      const reasons = cache.unsyncedKinds().map((k) => `${k} not synced`);
      if (!leader) reasons.push("not the leader");
      return { ready: reasons.length === 0, reasons };
    },
  });
  const snapshotPort = await snapshots.listen(opts.snapshotPort, opts.bind);
  const adminPort = await admin.listen(opts.adminPort, opts.bind);
  onLeadership(leader);
  cache.start();
  elector?.start();
  log.info(
    {
      version: VERSION,
      identity,
      snapshotPort,
      adminPort,
      leaderElect: opts.leaderElect,
      provision: opts.provision,
    },
    "operator started",
  );
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      log.info("operator stopping");
      usageThrottle.close();
      await controller.close();
      await elector?.stop();
      servingTls?.stop();
      await snapshots.close();
      await cache.stop();
      await admin.close();
      log.info("operator stopped");
    })();
    return stopping;
  };
  return { snapshotPort, adminPort, stop };
}

/** `ai-gateway operator …`: runs until SIGTERM/SIGINT, then shuts down gracefully. */
export async function runOperator(argv: string[]): Promise<void> {
  const opts = parseOperatorArgs(argv);
  if (opts === "help") {
    process.stdout.write(OPERATOR_USAGE);
    return;
  }
  const base = createLogger();
  const log = base.child({ component: "operator" });
  const handle = await startOperator(opts, base);
  await new Promise<void>((resolve) => {
    const onSignal = (signal: string) => {
      log.info({ signal }, "signal received");
      handle.stop().then(resolve, (err: unknown) => {
        log.error({ err: describeError(err) }, "shutdown failed");
        resolve();
      });
    };
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  });
}

/** 127.0.0.0/8, ::1 and localhost. */
function isLoopbackBind(bind: string): boolean {
  return bind === "localhost" || bind === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bind);
}
