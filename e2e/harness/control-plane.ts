// A real Kubernetes control plane (etcd + kube-apiserver, no nodes, no controllers) for e2e tests
// and local development, started the way controller-runtime's envtest does it.
//
// Ephemeral (default): a temp dir, plain child processes, killed and removed by stop(), by the
// exit/signal handlers, or by the reaper if this process is killed outright.
// Persistent: detached processes with their pids in <dir>/state.json; a later call with the same
// dir reuses them (or restarts them on the same data); stop() / destroyControlPlane() end them.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { binPath, gatewayApiCrdsPath, repoRoot } from "../../scripts/lib/versions.ts";
import { type CrdDoc, crdFilesIn, installCrds, readCrdFile } from "./crds.ts";
import { type CredentialFiles, credentialFiles, ensureCredentials, readAdminToken } from "./credentials.ts";
import { HarnessError, HarnessErrorCode } from "./errors.ts";
import { etcdArgs, etcdUrl } from "./etcd.ts";
import { onProcessExit } from "./exit-cleanup.ts";
import { freePort, portIsFree } from "./free-port.ts";
import { apiServerArgs, apiServerUrl } from "./kube-apiserver.ts";
import { writeKubeconfig } from "./kubeconfig.ts";
import { type KubectlOptions, type KubectlResult, runKubectl } from "./kubectl.ts";
import { createLayoutDirs, type Layout, layoutOf } from "./layout.ts";
import { adoptProcess, type ManagedProcess, spawnProcess, terminate } from "./process.ts";
import { waitApiServerReady } from "./readiness.ts";
import { type Reaper, startReaper } from "./reaper.ts";
import { type ControlPlaneState, readState, writeState } from "./state.ts";

export type ControlPlaneOptions = {
  /** State directory. Ephemeral: must be missing or empty, removed by stop(). Default: a temp dir. */
  dir?: string;
  /** Keep running after this process exits; reuse what runs in `dir` already. Default false. */
  persistent?: boolean;
  /** Install the Gateway API standard CRDs. Default true. */
  installGatewayApi?: boolean;
  /** Install our CRDs from crds/*.yaml (none while that folder is empty). Default true. */
  installOurCrds?: boolean;
  /** How long kube-apiserver may take to become ready. Default 120 s. */
  readyTimeoutMs?: number;
  /** kubeconfig context (and cluster) name. Default ai-gateway-e2e / ai-gateway-dev. */
  contextName?: string;
};

export type StartupTimings = {
  /** A persistent control plane was already running and was reused. */
  reused: boolean;
  /** Start → kube-apiserver /readyz OK. */
  readyMs: number;
  /** CRD install until all Established. */
  crdsMs: number;
  /** Start → returned. */
  totalMs: number;
};

export type ControlPlane = {
  readonly dir: string;
  readonly persistent: boolean;
  readonly kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  /** Admin bearer token (group system:masters). Never log it. */
  readonly token: string;
  /** PEM of the CA that signed the API server's serving cert. */
  readonly caPem: string;
  readonly timings: StartupTimings;
  readonly logs: { etcd: string; apiServer: string };
  pids(): { etcd?: number; apiServer?: number };
  /** Runs /usr/bin/kubectl with this control plane's kubeconfig. Never throws on a non-zero exit. */
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** kubectl apply -f - ; throws HARNESS_KUBECTL_FAILED with kubectl's stderr on failure. */
  apply(yaml: string, opts?: { serverSide?: boolean }): Promise<void>;
  /** Kills kube-apiserver (SIGKILL, or SIGTERM with graceful) and waits until it is gone. */
  stopApiServer(opts?: { graceful?: boolean }): Promise<void>;
  /** Starts kube-apiserver again on the same port with the same etcd, and waits until ready. */
  startApiServer(): Promise<void>;
  /** Kills everything and removes the directory. Idempotent. */
  stop(): Promise<void>;
};

const LAYOUT_ENTRIES = new Set([
  "etcd",
  "pki",
  "serving",
  "logs",
  "kubeconfig",
  "kubectl-cache",
  "state.json",
]);
const PORT_ATTEMPTS = 3;
const GRACE_MS = 15_000;

type Running = { etcd?: ManagedProcess | undefined; apiServer?: ManagedProcess | undefined };

type Binaries = { etcd: string; apiServer: string };

function requireBinaries(): Binaries {
  const bins = { etcd: binPath("etcd"), apiServer: binPath("kube-apiserver") };
  for (const path of [bins.etcd, bins.apiServer]) {
    if (!existsSync(path)) {
      throw new HarnessError(HarnessErrorCode.BinaryMissing, `${path} is missing: run \`npm run binaries\``);
    }
  }
  return bins;
}

/** Refuses a directory holding anything but a control plane's own files. */
function checkDir(dir: string, allowLayout: boolean): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  const foreign = entries.filter((e) => !(allowLayout && LAYOUT_ENTRIES.has(e)));
  if (foreign.length > 0) {
    throw new HarnessError(
      HarnessErrorCode.DirNotEmpty,
      `${dir} holds ${foreign.slice(0, 5).join(", ")}: give a missing or empty directory`,
    );
  }
}

/** Removes the control plane's own files, then the directory if nothing else is left in it. */
function removeLayout(l: Layout): void {
  for (const entry of LAYOUT_ENTRIES) rmSync(join(l.dir, entry), { recursive: true, force: true });
  rmSync(`${l.state}.tmp`, { force: true });
  try {
    if (readdirSync(l.dir).length === 0) rmSync(l.dir, { recursive: true, force: true });
  } catch {
    // already gone
  }
}

function crdsToInstall(opts: ControlPlaneOptions): CrdDoc[] {
  const files: string[] = [];
  if (opts.installGatewayApi ?? true) files.push(gatewayApiCrdsPath());
  if (opts.installOurCrds ?? true) files.push(...crdFilesIn(join(repoRoot, "crds")));
  return files.flatMap(readCrdFile);
}

async function freshPorts(): Promise<ControlPlaneState["ports"]> {
  return { etcdClient: await freePort(), etcdPeer: await freePort(), apiServer: await freePort() };
}

/** The previous ports where still free (a restarted persistent cluster keeps its kubeconfig). */
async function reusablePorts(previous: ControlPlaneState["ports"]): Promise<ControlPlaneState["ports"]> {
  const keep = async (p: number) => ((await portIsFree(p)) ? p : freePort());
  return {
    etcdClient: await keep(previous.etcdClient),
    etcdPeer: await keep(previous.etcdPeer),
    apiServer: await keep(previous.apiServer),
  };
}

class ControlPlaneImpl implements ControlPlane {
  readonly dir: string;
  readonly persistent: boolean;
  readonly kubeconfigPath: string;
  readonly token: string;
  readonly logs: { etcd: string; apiServer: string };
  caPem = "";
  timings: StartupTimings = { reused: false, readyMs: 0, crdsMs: 0, totalMs: 0 };
  ports: ControlPlaneState["ports"];

  private readonly layout: Layout;
  private readonly bins: Binaries;
  private readonly credentials: CredentialFiles;
  private readonly contextName: string;
  private readonly readyTimeoutMs: number;
  private readonly reaper: Reaper | undefined;
  private readonly unregisterExit: (() => void) | undefined;
  private etcd: ManagedProcess | undefined;
  private apiServer: ManagedProcess | undefined;
  private stopping: Promise<void> | undefined;

  constructor(init: {
    layout: Layout;
    persistent: boolean;
    bins: Binaries;
    ports: ControlPlaneState["ports"];
    contextName: string;
    readyTimeoutMs: number;
    credentials: { files: CredentialFiles; token: string };
    running: Running;
  }) {
    this.layout = init.layout;
    this.dir = init.layout.dir;
    this.persistent = init.persistent;
    this.bins = init.bins;
    this.ports = init.ports;
    this.contextName = init.contextName;
    this.readyTimeoutMs = init.readyTimeoutMs;
    this.kubeconfigPath = init.layout.kubeconfig;
    this.logs = { etcd: init.layout.etcdLog, apiServer: init.layout.apiServerLog };
    this.credentials = init.credentials.files;
    this.token = init.credentials.token;
    this.etcd = init.running.etcd;
    this.apiServer = init.running.apiServer;
    if (!this.persistent) {
      this.reaper = startReaper(this.dir);
      this.unregisterExit = onProcessExit(() => this.killNow());
    }
  }

  get server(): string {
    return apiServerUrl(this.ports.apiServer);
  }

  pids(): { etcd?: number; apiServer?: number } {
    return {
      ...(this.etcd?.alive() ? { etcd: this.etcd.pid } : {}),
      ...(this.apiServer?.alive() ? { apiServer: this.apiServer.pid } : {}),
    };
  }

  /** Brings up whatever is not running, then waits for readiness and writes the kubeconfig. */
  async boot(retryPorts: boolean): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!this.etcd?.alive()) this.spawnEtcd();
        if (!this.apiServer?.alive()) this.spawnApiServer();
        await this.waitReady();
        return;
      } catch (err) {
        const portClash = err instanceof HarnessError && err.code === HarnessErrorCode.PortInUse;
        if (!portClash || !retryPorts || attempt >= PORT_ATTEMPTS) throw err;
        await this.stopProcesses(0);
        rmSync(this.layout.etcdData, { recursive: true, force: true });
        createLayoutDirs(this.layout);
        this.ports = await freshPorts();
      }
    }
  }

  private spawnEtcd(): void {
    this.etcd = spawnProcess({
      name: "etcd",
      command: this.bins.etcd,
      args: etcdArgs({
        dataDir: this.layout.etcdData,
        ports: { client: this.ports.etcdClient, peer: this.ports.etcdPeer },
      }),
      logPath: this.logs.etcd,
      detached: this.persistent,
    });
    this.reaper?.watch(this.etcd.pid);
    this.saveState();
  }

  private spawnApiServer(): void {
    this.apiServer = spawnProcess({
      name: "kube-apiserver",
      command: this.bins.apiServer,
      args: apiServerArgs({
        port: this.ports.apiServer,
        etcdServer: etcdUrl(this.ports.etcdClient),
        certDir: this.layout.servingCerts,
        credentials: this.credentials,
      }),
      logPath: this.logs.apiServer,
      detached: this.persistent,
    });
    this.reaper?.watch(this.apiServer.pid);
    this.saveState();
  }

  private async waitReady(): Promise<void> {
    const processes = [this.etcd, this.apiServer].filter((p): p is ManagedProcess => p !== undefined);
    this.caPem = await waitApiServerReady({
      server: this.server,
      token: this.token,
      caPath: this.layout.servingCert,
      processes,
      timeoutMs: this.readyTimeoutMs,
    });
    writeKubeconfig(this.kubeconfigPath, {
      contextName: this.contextName,
      server: this.server,
      caPem: this.caPem,
      token: this.token,
    });
  }

  private saveState(): void {
    writeState(this.layout.state, {
      version: 1,
      ports: this.ports,
      pids: this.pids(),
      binaries: this.bins,
    });
  }

  async installCrds(crds: CrdDoc[]): Promise<void> {
    await installCrds({ server: this.server, token: this.token, caPem: this.caPem }, crds);
  }

  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult> {
    if (this.stopping)
      return Promise.reject(new HarnessError(HarnessErrorCode.Stopped, "control plane stopped"));
    return runKubectl(
      { kubeconfigPath: this.kubeconfigPath, cacheDir: this.layout.kubectlCache },
      args,
      opts,
    );
  }

  async apply(yaml: string, opts: { serverSide?: boolean } = {}): Promise<void> {
    const args = ["apply", "-f", "-"];
    if (opts.serverSide) args.push("--server-side", "--force-conflicts", "--field-manager=ai-gateway-e2e");
    const r = await this.kubectl(args, { input: yaml });
    if (r.code !== 0) {
      throw new HarnessError(
        HarnessErrorCode.KubectlFailed,
        `kubectl ${args.join(" ")} exit ${r.code}: ${r.stderr.trim()}`,
      );
    }
  }

  async stopApiServer(opts: { graceful?: boolean } = {}): Promise<void> {
    const proc = this.apiServer;
    if (!proc) return;
    await terminate(proc, opts.graceful ? GRACE_MS : 0);
    this.reaper?.forget(proc.pid);
    this.apiServer = undefined;
    this.saveState();
  }

  async startApiServer(): Promise<void> {
    if (this.stopping) throw new HarnessError(HarnessErrorCode.Stopped, "control plane stopped");
    if (this.apiServer?.alive()) return;
    if (!(await portIsFree(this.ports.apiServer))) {
      throw new HarnessError(
        HarnessErrorCode.PortInUse,
        `port ${this.ports.apiServer} of ${this.server} is taken`,
      );
    }
    this.spawnApiServer();
    await this.waitReady();
  }

  /** Ends the processes but keeps the data (a persistent control plane can boot from it again). */
  async stopProcesses(graceMs: number): Promise<void> {
    for (const proc of [this.apiServer, this.etcd]) {
      if (!proc) continue;
      await terminate(proc, graceMs);
      this.reaper?.forget(proc.pid);
    }
    this.apiServer = undefined;
    this.etcd = undefined;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.stopProcesses(this.persistent ? GRACE_MS : 0);
      this.reaper?.release();
      this.unregisterExit?.();
      removeLayout(this.layout);
    })();
    return this.stopping;
  }

  /** Synchronous last resort from the exit handler: SIGKILL and remove the temp dir. */
  private killNow(): void {
    for (const proc of [this.apiServer, this.etcd]) proc?.signal("SIGKILL");
    removeLayout(this.layout);
  }
}

function ephemeralDir(dir: string | undefined): string {
  if (dir === undefined) return mkdtempSync(join(tmpdir(), "ai-gateway-cp-"));
  const abs = resolve(dir);
  checkDir(abs, false);
  return abs;
}

/** Processes an earlier command left running for this dir (pids verified against /proc). */
function adoptRunning(layout: Layout, state: ControlPlaneState): Running {
  const adopt = (name: string, pid: number | undefined, command: string, logPath: string) =>
    pid === undefined ? undefined : adoptProcess({ name, pid, command, marker: layout.dir, logPath });
  return {
    etcd: adopt("etcd", state.pids.etcd, state.binaries.etcd, layout.etcdLog),
    apiServer: adopt("kube-apiserver", state.pids.apiServer, state.binaries.apiServer, layout.apiServerLog),
  };
}

async function terminateRunning(running: Running): Promise<void> {
  for (const proc of [running.apiServer, running.etcd]) if (proc) await terminate(proc, GRACE_MS);
}

/** Starts a control plane (or, persistent, reuses the one running in `dir`). See ControlPlaneOptions. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const started = performance.now();
  const persistent = opts.persistent ?? false;
  const bins = requireBinaries();
  const crds = crdsToInstall(opts);
  const dir = persistent ? resolve(opts.dir ?? join(repoRoot, ".cluster")) : ephemeralDir(opts.dir);
  if (persistent) checkDir(dir, true);
  const layout = layoutOf(dir);
  createLayoutDirs(layout);
  const previous = persistent ? readState(layout.state) : undefined;
  const adopted = previous ? adoptRunning(layout, previous) : {};
  const reused = previous !== undefined && adopted.etcd !== undefined && adopted.apiServer !== undefined;
  if (!reused) await terminateRunning(adopted);
  const cp = new ControlPlaneImpl({
    layout,
    persistent,
    bins: reused ? previous.binaries : bins,
    ports: reused ? previous.ports : previous ? await reusablePorts(previous.ports) : await freshPorts(),
    contextName: opts.contextName ?? (persistent ? "ai-gateway-dev" : "ai-gateway-e2e"),
    readyTimeoutMs: opts.readyTimeoutMs ?? 120_000,
    credentials: ensureCredentials(layout.pki),
    running: reused ? adopted : {},
  });
  try {
    await cp.boot(previous === undefined);
    const readyAt = performance.now();
    await cp.installCrds(crds);
    const done = performance.now();
    cp.timings = {
      reused,
      readyMs: Math.round(readyAt - started),
      crdsMs: Math.round(done - readyAt),
      totalMs: Math.round(done - started),
    };
    return cp;
  } catch (err) {
    if (persistent) await cp.stopProcesses(GRACE_MS);
    else await cp.stop();
    throw err;
  }
}

export type ControlPlaneStatus =
  | { state: "absent"; dir: string }
  | {
      /** running: both processes up and /readyz OK; not-ready: some process up; stopped: none. */
      state: "running" | "not-ready" | "stopped";
      dir: string;
      server: string;
      kubeconfigPath: string;
      pids: { etcd?: number; apiServer?: number };
    };

/** What runs in a persistent control plane's dir, without starting or changing anything. */
export async function controlPlaneStatus(dir: string): Promise<ControlPlaneStatus> {
  const layout = layoutOf(resolve(dir));
  const state = readState(layout.state);
  if (!state) return { state: "absent", dir: layout.dir };
  const running = adoptRunning(layout, state);
  const base = {
    dir: layout.dir,
    server: apiServerUrl(state.ports.apiServer),
    kubeconfigPath: layout.kubeconfig,
    pids: {
      ...(running.etcd ? { etcd: running.etcd.pid } : {}),
      ...(running.apiServer ? { apiServer: running.apiServer.pid } : {}),
    },
  };
  if (!running.etcd && !running.apiServer) return { ...base, state: "stopped" };
  const ready =
    running.etcd !== undefined && running.apiServer !== undefined && (await isReady(layout, state));
  return { ...base, state: ready ? "running" : "not-ready" };
}

async function isReady(layout: Layout, state: ControlPlaneState): Promise<boolean> {
  try {
    await waitApiServerReady({
      server: apiServerUrl(state.ports.apiServer),
      token: readAdminToken(credentialFiles(layout.pki)),
      caPath: layout.servingCert,
      processes: [],
      timeoutMs: 0,
    });
    return true;
  } catch {
    return false;
  }
}

/** Stops a persistent control plane's processes and removes its files. False when there was none. */
export async function destroyControlPlane(dir: string): Promise<boolean> {
  const layout = layoutOf(resolve(dir));
  if (!existsSync(layout.dir)) return false;
  checkDir(layout.dir, true);
  const state = readState(layout.state);
  if (state) await terminateRunning(adoptRunning(layout, state));
  removeLayout(layout);
  return true;
}
