// A real one-node Kubernetes cluster in a private network namespace (`cluster:up --node`):
// etcd, kube-apiserver, kube-controller-manager, kube-scheduler, containerd + runc, kubelet,
// kube-proxy and CoreDNS, all built from source or Debian packages, no image pulled.
//
// Isolation: every daemon runs under one "init" (our pause binary) in its own PID and mount
// namespace, inside the network namespace `aigw-<id>` (lo + an empty bridge; nothing connects it
// to the host). In that mount namespace /run is a private tmpfs and /var/lib, /var/log are bound to
// folders of the cluster dir, so no mount, socket, pod netns or kubelet file (device-plugins,
// /var/log/containers) lands on the host. Killing the init ends every process of the cluster,
// containers included, and drops its mounts. The host keeps: the netns, the pod cgroup root in
// each hierarchy, machine-wide sysctls the kubelet changed; `down` removes/restores all three.
// The API server is relayed to the host's loopback (socat over a unix socket) for kubectl/helm.
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { z } from "zod";
import { crdFilesIn, installCrds, readCrdFile } from "../../e2e/harness/crds.ts";
import { ensureCredentials } from "../../e2e/harness/credentials.ts";
import { freePort } from "../../e2e/harness/free-port.ts";
import { runKubectl } from "../../e2e/harness/kubectl.ts";
import { isOurProcess, logTail, pidAlive, sleep } from "../../e2e/harness/process.ts";
import { waitApiServerReady } from "../../e2e/harness/readiness.ts";
import { ensureBinaries } from "../lib/binaries.ts";
import { binPath, gatewayApiCrdsPath, kubectlPath, repoRoot, versions } from "../lib/versions.ts";
import {
  API_TLS_NAME,
  apiServerArgs,
  COMPONENTS,
  type Component,
  cniConflist,
  containerdConfig,
  coreDnsManifests,
  kubeletConfig,
  kubeProxyConfig,
  NET,
  type NodeLayout,
  tokenKubeconfig,
} from "./configs.ts";
import {
  createCgroupRoot,
  createNetns,
  deleteNetns,
  netnsPath,
  registerCluster,
  removeCgroupRoot,
  unregisterCluster,
} from "./host.ts";
import { writeOciArchive } from "./oci.ts";

export const PAUSE_IMAGE = `localhost/pause:${versions.pause}`;
export const COREDNS_IMAGE = `localhost/coredns:${versions.coredns}`;

const NodeState = z.object({
  version: z.literal(1),
  id: z.string(),
  netns: z.string(),
  cgroupRoot: z.string(),
  initPid: z.number().int().positive(),
  relayPid: z.number().int().positive().optional(),
  relayPort: z.number().int().positive(),
  pids: z.record(z.string(), z.number().int().positive()),
});
type NodeState = z.infer<typeof NodeState>;

export type Paths = NodeLayout & {
  state: string;
  logs: string;
  pki: string;
  serving: string;
  servingCert: string;
  etcd: string;
  kubeconfig: string;
  insideKubeconfig: string;
  kubectlCache: string;
  run: string;
  apiSocket: string;
  hostVarLib: string;
  hostVarLog: string;
  images: string;
  bin: string;
  config: string;
};

export function pathsOf(dir: string): Paths {
  const run = join(dir, "run");
  return {
    dir,
    state: join(dir, "node.json"),
    logs: join(dir, "logs"),
    pki: join(dir, "pki"),
    serving: join(dir, "serving"),
    servingCert: join(dir, "serving", "apiserver.crt"),
    etcd: join(dir, "etcd"),
    kubeconfig: join(dir, "kubeconfig"),
    insideKubeconfig: join(dir, "kubeconfig-inside"),
    kubectlCache: join(dir, "kubectl-cache"),
    run,
    apiSocket: join(run, "api.sock"),
    containerdSocket: join(run, "containerd.sock"),
    containerdRoot: join(dir, "containerd", "root"),
    containerdState: join(dir, "containerd", "state"),
    runcRoot: join(dir, "containerd", "runc"),
    cniConfDir: join(dir, "cni"),
    kubeletRoot: join(dir, "kubelet"),
    hostVarLib: join(dir, "host", "var-lib"),
    hostVarLog: join(dir, "host", "var-log"),
    images: join(dir, "images"),
    bin: join(dir, "bin"),
    config: join(dir, "config"),
  };
}

/** Short, stable per-dir id: names the netns and the cgroup root, so clusters never collide. */
export function clusterId(dir: string): string {
  return createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 8);
}

function readNodeState(p: Paths): NodeState | undefined {
  try {
    return NodeState.parse(JSON.parse(readFileSync(p.state, "utf8")));
  } catch {
    return undefined;
  }
}

function writeNodeState(p: Paths, s: NodeState): void {
  writeFileSync(`${p.state}.tmp`, `${JSON.stringify(s, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${p.state}.tmp`, p.state);
}

/** True when the cluster's init (and so its namespaces) still runs. */
export function nodeRunning(dir: string): boolean {
  const p = pathsOf(resolve(dir));
  const s = readNodeState(p);
  return s !== undefined && isOurProcess(s.initPid, binPath("pause"), "");
}

export function isNodeCluster(dir: string): boolean {
  return existsSync(pathsOf(resolve(dir)).state);
}

function log(msg: string): void {
  console.error(`cluster: ${msg}`);
}

function preflight(dir: string): void {
  if (process.getuid?.() !== 0) throw new Error("--node needs root (namespaces, cgroups, containerd)");
  for (const forbidden of ["/run", "/var/lib", "/var/log"]) {
    if (dir === forbidden || dir.startsWith(`${forbidden}/`)) {
      throw new Error(`the cluster dir may not be under ${forbidden} (it is private inside the node)`);
    }
  }
  for (const cmd of ["containerd", "runc", "ctr", "ip", "nsenter", "unshare", "socat", "iptables", "tar"]) {
    if (spawnSync("sh", ["-c", `command -v ${cmd}`]).status !== 0) {
      throw new Error(`'${cmd}' is missing: run scripts/system-deps.sh`);
    }
  }
  if (!existsSync("/usr/lib/cni/bridge")) throw new Error("CNI plugins missing: run scripts/system-deps.sh");
}

/** Spawns a detached process (that redirects its own output); returns its pid. */
function spawnDetached(name: string, cmd: string, args: string[], env?: NodeJS.ProcessEnv): number {
  const child: ChildProcess = spawn(cmd, args, {
    detached: true,
    stdio: ["ignore", "ignore", "ignore"],
    env: env ?? process.env,
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return child.pid;
}

/** Runs a daemon inside the cluster's namespaces (net, mount, pid of the init); returns its pid. */
function startDaemon(p: Paths, state: NodeState, name: string, bin: string, args: string[]): void {
  const logPath = join(p.logs, `${name}.log`);
  const pid = spawnDetached(
    name,
    "sh",
    [
      "-c",
      'log=$1; shift; exec nsenter --target "$INIT" --net --mount --pid -- "$@" >>"$log" 2>&1',
      "sh",
      logPath,
      bin,
      ...args,
    ],
    { ...process.env, INIT: String(state.initPid), GOTRACEBACK: "all" },
  );
  state.pids[name] = pid;
  writeNodeState(p, state);
}

function childPid(parent: number): number | undefined {
  try {
    const kids = readFileSync(`/proc/${parent}/task/${parent}/children`, "utf8").trim();
    const first = kids.split(" ")[0];
    return first ? Number(first) : undefined;
  } catch {
    return undefined;
  }
}

/** The init of the cluster: pid 1 of a new PID + mount namespace inside the netns. */
async function startInit(p: Paths, netns: string): Promise<number> {
  const pause = binPath("pause");
  // In the new mount namespace: nothing propagates back to the host; /run is private; the paths
  // kubelet, containerd and CNI write outside their own dirs are folders of the cluster dir.
  const script = [
    "set -e",
    "mount --make-rslave /",
    "mount -t tmpfs -o mode=755 tmpfs /run",
    'mount --bind "$1" /var/lib',
    'mount --bind "$2" /var/log',
    "mount --make-rshared /",
    'exec "$3"',
  ].join("\n");
  const logPath = join(p.logs, "init.log");
  const unsharePid = spawnDetached("init", "sh", [
    "-c",
    `exec nsenter --net=${netnsPath(netns)} -- unshare --pid --fork --mount --propagation slave --mount-proc -- sh -c "$0" sh "$1" "$2" "$3" >>"$4" 2>&1`,
    script,
    p.hostVarLib,
    p.hostVarLog,
    pause,
    logPath,
  ]);
  const deadline = Date.now() + 10_000;
  for (;;) {
    // sh exec'd nsenter, which exec'd unshare: the init is unshare's child.
    const init = childPid(unsharePid);
    if (init !== undefined && isOurProcess(init, pause, "")) return init;
    if (!pidAlive(unsharePid)) throw new Error(`the node's init exited:\n${logTail(logPath)}`);
    if (Date.now() > deadline) throw new Error(`the node's init did not start:\n${logTail(logPath)}`);
    await sleep(50);
  }
}

function tokenLine(token: string, user: string, groups: readonly string[]): string {
  return `${token},${user},${user},"${groups.join(",")}"\n`;
}

function componentTokens(p: Paths): Record<Component | "admin", string> {
  const { token: admin } = ensureCredentials(p.pki);
  const file = join(p.pki, "components.json");
  if (!existsSync(file)) {
    const tokens = Object.fromEntries(
      Object.keys(COMPONENTS).map((c) => [c, randomBytes(24).toString("base64url")]),
    );
    writeFileSync(file, JSON.stringify(tokens), { mode: 0o600 });
  }
  const tokens = JSON.parse(readFileSync(file, "utf8")) as Record<Component, string>;
  let csv = tokenLine(admin, "ai-gateway-admin", ["system:masters"]);
  for (const [c, id] of Object.entries(COMPONENTS))
    csv += tokenLine(tokens[c as Component], id.user, id.groups);
  writeFileSync(join(p.pki, "tokens-node.csv"), csv, { mode: 0o600 });
  return { ...tokens, admin };
}

async function kubectl(p: Paths, args: string[], input?: string): Promise<string> {
  const r = await runKubectl({ kubeconfigPath: p.kubeconfig, cacheDir: p.kubectlCache }, args, {
    ...(input !== undefined ? { input } : {}),
    timeoutMs: 120_000,
  });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout;
}

async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean> | boolean,
  logs: string[] = [],
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const tails = logs.map((l) => `--- ${l}\n${logTail(l, 20)}`).join("\n");
      throw new Error(`${what} not reached after ${timeoutMs} ms\n${tails}`);
    }
    await sleep(250);
  }
}

/** Imports an OCI/docker archive into the node's containerd (CRI namespace k8s.io). */
export function importImage(dir: string, archive: string): void {
  const p = pathsOf(resolve(dir));
  execFileSync("ctr", ["--address", p.containerdSocket, "-n", "k8s.io", "images", "import", archive], {
    stdio: ["ignore", "ignore", "pipe"],
  });
}

export type UpTimings = Record<string, number>;

export async function nodeUp(
  dirArg: string,
): Promise<{ kubeconfig: string; reused: boolean; timings: UpTimings }> {
  const dir = resolve(dirArg);
  const p = pathsOf(dir);
  preflight(dir);
  if (nodeRunning(dir)) return { kubeconfig: p.kubeconfig, reused: true, timings: {} };
  if (isNodeCluster(dir)) await nodeDown(dir);
  const t0 = performance.now();
  const timings: UpTimings = {};
  const mark = (k: string) => {
    timings[k] = Math.round(performance.now() - t0);
  };
  await ensureBinaries(true);
  mark("binaries");
  for (const d of [
    p.dir,
    p.logs,
    p.pki,
    p.serving,
    p.etcd,
    p.run,
    p.kubectlCache,
    p.containerdRoot,
    p.containerdState,
    p.runcRoot,
    p.cniConfDir,
    p.kubeletRoot,
    p.hostVarLib,
    p.hostVarLog,
    p.images,
    p.bin,
    p.config,
  ]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
  }
  const id = clusterId(dir);
  const state: NodeState = {
    version: 1,
    id,
    netns: `aigw-${id}`,
    cgroupRoot: `/ai-gateway-node-${id}`,
    initPid: 1,
    relayPort: await freePort(),
    pids: {},
  };
  const tokens = componentTokens(p);
  registerCluster(id);
  createCgroupRoot(state.cgroupRoot);
  createNetns(state.netns);
  state.initPid = await startInit(p, state.netns);
  writeNodeState(p, state);
  mark("namespaces");

  try {
    // ---- control plane
    const credentials = ensureCredentials(p.pki).files;
    startDaemon(p, state, "etcd", binPath("etcd"), [
      "--name=node0",
      `--data-dir=${p.etcd}`,
      "--listen-client-urls=http://127.0.0.1:2379",
      "--advertise-client-urls=http://127.0.0.1:2379",
      "--listen-peer-urls=http://127.0.0.1:2380",
      "--initial-advertise-peer-urls=http://127.0.0.1:2380",
      "--initial-cluster=node0=http://127.0.0.1:2380",
      "--unsafe-no-fsync=true",
      "--log-level=warn",
    ]);
    startDaemon(
      p,
      state,
      "kube-apiserver",
      binPath("kube-apiserver"),
      apiServerArgs({
        etcdServer: "http://127.0.0.1:2379",
        certDir: p.serving,
        tokenAuthFile: join(p.pki, "tokens-node.csv"),
        serviceAccountKey: credentials.serviceAccountKey,
        serviceAccountPub: credentials.serviceAccountPub,
      }),
    );
    startDaemon(p, state, "api-relay", "socat", [
      `UNIX-LISTEN:${p.apiSocket},fork,unlink-early,mode=600`,
      `TCP:${NET.nodeIp}:${NET.apiPort}`,
    ]);
    const relayLog = join(p.logs, "host-relay.log");
    state.relayPid = spawnDetached("host-relay", "sh", [
      "-c",
      'exec socat "$1" "$2" >>"$3" 2>&1',
      "sh",
      `TCP-LISTEN:${state.relayPort},bind=127.0.0.1,fork,reuseaddr`,
      `UNIX-CONNECT:${p.apiSocket}`,
      relayLog,
    ]);
    writeNodeState(p, state);
    const server = `https://127.0.0.1:${state.relayPort}`;
    const caPem = await waitApiServerReady({
      server,
      token: tokens.admin,
      caPath: p.servingCert,
      servername: API_TLS_NAME,
      processes: [],
      timeoutMs: 120_000,
    }).catch((err: unknown) => {
      throw new Error(
        `${err instanceof Error ? err.message : String(err)}\n${logTail(join(p.logs, "kube-apiserver.log"))}`,
      );
    });
    mark("apiserver");
    writeFileSync(
      p.kubeconfig,
      tokenKubeconfig({
        name: "ai-gateway-node",
        server,
        caPem,
        token: tokens.admin,
        user: "ai-gateway-admin",
        tlsServerName: API_TLS_NAME,
      }),
      { mode: 0o600 },
    );
    const inside = `https://${NET.nodeIp}:${NET.apiPort}`;
    writeFileSync(
      p.insideKubeconfig,
      tokenKubeconfig({
        name: "ai-gateway-node",
        server: inside,
        caPem,
        token: tokens.admin,
        user: "ai-gateway-admin",
      }),
      { mode: 0o600 },
    );
    const componentConfig = (c: Component) => {
      const file = join(p.config, `${c}.kubeconfig`);
      writeFileSync(
        file,
        tokenKubeconfig({ name: "node", server: inside, caPem, token: tokens[c], user: COMPONENTS[c].user }),
        { mode: 0o600 },
      );
      return file;
    };
    const crds = [gatewayApiCrdsPath(), ...crdFilesIn(join(repoRoot, "crds"))].flatMap(readCrdFile);
    await installCrds({ server, token: tokens.admin, caPem, servername: API_TLS_NAME }, crds);
    mark("crds");

    startDaemon(p, state, "kube-controller-manager", binPath("kube-controller-manager"), [
      `--kubeconfig=${componentConfig("controllerManager")}`,
      `--service-account-private-key-file=${credentials.serviceAccountKey}`,
      `--root-ca-file=${p.servingCert}`,
      "--use-service-account-credentials=true",
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
      "--allocate-node-cidrs=false",
      "--controllers=*,-nodeipam,-cloud-node-lifecycle,-service-lb-controller,-route",
    ]);
    startDaemon(p, state, "kube-scheduler", binPath("kube-scheduler"), [
      `--kubeconfig=${componentConfig("scheduler")}`,
      "--leader-elect=false",
      "--bind-address=127.0.0.1",
    ]);

    // ---- node
    writeFileSync(join(p.config, "containerd.toml"), containerdConfig(p, PAUSE_IMAGE));
    writeFileSync(join(p.cniConfDir, "10-pods.conflist"), cniConflist());
    startDaemon(p, state, "containerd", "containerd", ["--config", join(p.config, "containerd.toml")]);
    await waitFor("containerd socket", 30_000, () => existsSync(p.containerdSocket), [
      join(p.logs, "containerd.log"),
    ]);
    await waitFor(
      "containerd",
      30_000,
      () => spawnSync("ctr", ["--address", p.containerdSocket, "version"]).status === 0,
      [join(p.logs, "containerd.log")],
    );
    const pauseTar = join(p.images, "pause.tar");
    writeOciArchive({
      name: PAUSE_IMAGE,
      files: [{ src: binPath("pause"), dest: "pause", mode: 0o755 }],
      entrypoint: ["/pause"],
      user: "65535",
      out: pauseTar,
    });
    importImage(dir, pauseTar);
    const corednsTar = join(p.images, "coredns.tar");
    writeOciArchive({
      name: COREDNS_IMAGE,
      files: [{ src: binPath("coredns"), dest: "coredns", mode: 0o755 }],
      entrypoint: ["/coredns"],
      user: "65532",
      out: corednsTar,
    });
    importImage(dir, corednsTar);
    mark("containerd");

    writeFileSync(join(p.config, "kubelet.yaml"), kubeletConfig({ layout: p, cgroupRoot: state.cgroupRoot }));
    startDaemon(p, state, "kubelet", binPath("kubelet"), [
      `--config=${join(p.config, "kubelet.yaml")}`,
      `--kubeconfig=${componentConfig("kubelet")}`,
      `--root-dir=${p.kubeletRoot}`,
      `--cert-dir=${join(p.kubeletRoot, "pki")}`,
      `--hostname-override=${NET.nodeName}`,
      `--node-ip=${NET.nodeIp}`,
    ]);
    writeFileSync(join(p.config, "kube-proxy.yaml"), kubeProxyConfig(componentConfig("proxy")));
    startDaemon(p, state, "kube-proxy", binPath("kube-proxy"), [
      `--config=${join(p.config, "kube-proxy.yaml")}`,
    ]);

    await waitFor(
      "node Ready",
      120_000,
      async () => {
        const r = await runKubectl({ kubeconfigPath: p.kubeconfig, cacheDir: p.kubectlCache }, [
          "get",
          "node",
          NET.nodeName,
          "-o",
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ]);
        return r.stdout.trim() === "True";
      },
      [join(p.logs, "kubelet.log"), join(p.logs, "containerd.log")],
    );
    mark("nodeReady");
    await kubectl(p, ["apply", "-f", "-"], coreDnsManifests(COREDNS_IMAGE));
    await kubectl(p, ["-n", "kube-system", "rollout", "status", "deployment/coredns", "--timeout=100s"]);
    mark("dns");
    // Helpers for `cluster:exec`: kubectl and crictl on PATH, talking to this cluster.
    for (const [name, target] of [
      ["kubectl", kubectlPath()],
      ["crictl", binPath("crictl")],
    ] as const) {
      rmSync(join(p.bin, name), { force: true });
      symlinkSync(target, join(p.bin, name));
    }
    return { kubeconfig: p.kubeconfig, reused: false, timings };
  } catch (err) {
    log(`bring-up failed; logs in ${p.logs}`);
    throw err;
  }
}

/** Runs argv inside the cluster's namespaces; resolves with its exit status. */
export function nodeExec(dirArg: string, argv: string[]): number {
  const p = pathsOf(resolve(dirArg));
  const s = readNodeState(p);
  if (!s || !nodeRunning(p.dir))
    throw new Error(`no node cluster runs in ${p.dir}: npm run cluster:up -- --node`);
  const r = spawnSync(
    "nsenter",
    ["--target", String(s.initPid), "--net", "--mount", "--pid", "--", ...argv],
    {
      stdio: "inherit",
      env: {
        ...process.env,
        PATH: `${p.bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        KUBECONFIG: p.insideKubeconfig,
        CONTAINER_RUNTIME_ENDPOINT: `unix://${p.containerdSocket}`,
        CONTAINERD_ADDRESS: p.containerdSocket,
        CONTAINERD_NAMESPACE: "k8s.io",
      },
    },
  );
  return r.status ?? 1;
}

/** Ends everything of the cluster in dir and undoes its changes to the host. False when none. */
export async function nodeDown(dirArg: string): Promise<boolean> {
  const dir = resolve(dirArg);
  const p = pathsOf(dir);
  const s = readNodeState(p);
  if (!s) return false;
  const problems: string[] = [];
  // The host side of the API relay (sh exec'd socat, so the saved pid is socat's).
  if (s.relayPid !== undefined && isOurProcess(s.relayPid, "socat", p.apiSocket))
    process.kill(s.relayPid, "SIGKILL");
  const pause = binPath("pause");
  if (s.initPid > 1 && isOurProcess(s.initPid, pause, "")) {
    // pid 1 of the cluster's PID namespace: its end SIGKILLs every process in it, containers too.
    process.kill(s.initPid, "SIGKILL");
    const deadline = Date.now() + 30_000;
    while (pidAlive(s.initPid) && Date.now() < deadline) await sleep(50);
  }
  for (const pid of Object.values(s.pids)) {
    const deadline = Date.now() + 10_000;
    while (pidAlive(pid) && Date.now() < deadline) await sleep(50);
  }
  problems.push(...(await removeCgroupRoot(s.cgroupRoot)));
  deleteNetns(s.netns);
  unregisterCluster(s.id);
  rmSync(dir, { recursive: true, force: true });
  if (problems.length > 0) throw new Error(`cluster down left: ${problems.join("; ")}`);
  return true;
}
