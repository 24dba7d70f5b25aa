// What the one-node cluster changes on the machine itself, and how each change is undone:
// the network namespace, the pod cgroup root in every cgroup v1 hierarchy, and the machine-wide
// sysctls the kubelet sets (saved before the first cluster, restored after the last one).
import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { NET } from "./configs.ts";

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
}

// ---- network namespace -------------------------------------------------------------------------

export function netnsPath(name: string): string {
  return `/run/netns/${name}`;
}

/** `lo` plus an empty bridge with the node address and an on-link default route: no way out. */
export function createNetns(name: string): void {
  if (existsSync(netnsPath(name))) deleteNetns(name);
  run("ip", ["netns", "add", name]);
  run("ip", ["-n", name, "link", "set", "lo", "up"]);
  run("ip", ["-n", name, "link", "add", NET.bridge, "type", "bridge"]);
  run("ip", ["-n", name, "addr", "add", NET.nodeCidr, "dev", NET.bridge]);
  run("ip", ["-n", name, "link", "set", NET.bridge, "up"]);
  run("ip", ["-n", name, "route", "add", "default", "dev", NET.bridge]);
  // Per network namespace: Service traffic over the pod bridge goes through kube-proxy's rules.
  run("nsenter", [
    `--net=${netnsPath(name)}`,
    "sysctl",
    "-qw",
    "net.ipv4.ip_forward=1",
    "net.bridge.bridge-nf-call-iptables=1",
  ]);
}

export function deleteNetns(name: string): void {
  if (!existsSync(netnsPath(name))) return;
  try {
    run("ip", ["netns", "delete", name]);
  } catch {
    rmSync(netnsPath(name), { force: true });
  }
}

// ---- cgroups ------------------------------------------------------------------------------------

const CGROUP_FS = "/sys/fs/cgroup";

/** Mount points of the cgroup hierarchies: v1 (cpu, memory, ..., name=systemd) and, in hybrid
 * mode, the unified v2 one (runc creates the pod cgroups there too). */
export function cgroupHierarchies(): string[] {
  const out: string[] = [];
  for (const line of readFileSync("/proc/self/mountinfo", "utf8").split("\n")) {
    const [left, right] = line.split(" - ");
    if (!left || !right) continue;
    if (!right.startsWith("cgroup ") && !right.startsWith("cgroup2 ")) continue;
    const mountPoint = left.split(" ")[4];
    if (mountPoint?.startsWith(CGROUP_FS)) out.push(mountPoint);
  }
  return out.sort();
}

/** Creates `root` (e.g. /ai-gateway-node-1a2b) in every hierarchy, cpuset initialised. */
export function createCgroupRoot(root: string): void {
  for (const h of cgroupHierarchies()) {
    const dir = join(h, root);
    mkdirSync(dir, { recursive: true });
    if (existsSync(join(h, "cpuset.cpus"))) {
      for (const f of ["cpuset.cpus", "cpuset.mems"]) {
        if (readFileSync(join(dir, f), "utf8").trim() === "") {
          writeFileSync(join(dir, f), readFileSync(join(h, f), "utf8"));
        }
      }
    }
  }
}

function removeTree(dir: string): void {
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const child = join(dir, e);
    try {
      if (statSync(child).isDirectory()) removeTree(child);
    } catch {
      // vanished
    }
  }
  rmdirSync(dir);
}

/** Removes `root` and every pod cgroup under it in each hierarchy (its processes must be gone). */
export async function removeCgroupRoot(root: string): Promise<string[]> {
  const failed: string[] = [];
  for (const h of cgroupHierarchies()) {
    const dir = join(h, root);
    if (!existsSync(dir)) continue;
    for (let attempt = 0; ; attempt++) {
      try {
        removeTree(dir);
        break;
      } catch (err) {
        // A cgroup stays busy for a moment after its last process died.
        if (attempt >= 50) {
          failed.push(`${dir}: ${err instanceof Error ? err.message : String(err)}`);
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
  return failed;
}

// ---- machine-wide sysctls ----------------------------------------------------------------------

/** Not namespaced, and changed by every kubelet at start. */
export const KUBELET_SYSCTLS = ["vm.overcommit_memory", "kernel.panic", "kernel.panic_on_oops"] as const;

const REGISTRY = "/run/ai-gateway-node";

function sysctlFile(key: string): string {
  return `/proc/sys/${key.replaceAll(".", "/")}`;
}

export function readSysctls(): Record<string, string> {
  return Object.fromEntries(KUBELET_SYSCTLS.map((k) => [k, readFileSync(sysctlFile(k), "utf8").trim()]));
}

/**
 * Records this cluster as live; the first live cluster saves the machine's values. Several clusters
 * (a dev cluster and a test run) may overlap: the values are restored when the last one goes.
 */
export function registerCluster(id: string): void {
  mkdirSync(join(REGISTRY, "clusters"), { recursive: true, mode: 0o700 });
  const saved = join(REGISTRY, "sysctl.json");
  if (!existsSync(saved) || liveClusters().length === 0) {
    writeFileSync(saved, `${JSON.stringify(readSysctls())}\n`, { mode: 0o600 });
  }
  writeFileSync(join(REGISTRY, "clusters", id), `${process.pid}\n`);
}

function liveClusters(): string[] {
  try {
    return readdirSync(join(REGISTRY, "clusters"));
  } catch {
    return [];
  }
}

/** Forgets this cluster; when it was the last one, writes the saved values back. */
export function unregisterCluster(id: string): Record<string, string> | undefined {
  rmSync(join(REGISTRY, "clusters", id), { force: true });
  if (liveClusters().length > 0) return undefined;
  const saved = join(REGISTRY, "sysctl.json");
  if (!existsSync(saved)) return undefined;
  const values = JSON.parse(readFileSync(saved, "utf8")) as Record<string, string>;
  for (const [k, v] of Object.entries(values)) {
    if ((KUBELET_SYSCTLS as readonly string[]).includes(k)) writeFileSync(sysctlFile(k), `${v}\n`);
  }
  rmSync(REGISTRY, { recursive: true, force: true });
  return values;
}
