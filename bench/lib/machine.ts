// What the numbers were measured on, and with which versions of everything.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg, release, totalmem } from "node:os";
import { join } from "node:path";
import { LOAD_CPU, PINNING, SERVER_CPU } from "./cpus.ts";
import { BENCH_CACHE, NODE, PORTKEY_ENTRY, REPO } from "./paths.ts";

export type Machine = {
  nproc: number;
  memoryBytes: number;
  cpuModel: string;
  kernel: string;
  /** 1-minute load average when the run started and ended: other work on the machine skews results. */
  loadAverage: { start: number; end?: number };
  pinning: { enabled: boolean; loadCpu: string; serverCpu: string };
};

export function machine(): Machine {
  return {
    nproc: cpus().length,
    memoryBytes: totalmem(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    kernel: release(),
    loadAverage: { start: loadavg()[0] ?? 0 },
    pinning: { enabled: PINNING, loadCpu: LOAD_CPU, serverCpu: SERVER_CPU },
  };
}

function out(cmd: string, args: string[], cwd?: string): string | null {
  const r = spawnSync(cmd, args, { encoding: "utf8", cwd });
  if (r.status !== 0 && !r.stdout && !r.stderr) return null;
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim();
}

function jsonVersion(file: string): string | null {
  if (!existsSync(file)) return null;
  return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? null;
}

function litellmVersion(): string | null {
  const lib = join(BENCH_CACHE, "litellm-venv/lib");
  if (!existsSync(lib)) return null;
  for (const py of readdirSync(lib)) {
    const site = join(lib, py, "site-packages");
    if (!existsSync(site)) continue;
    const d = readdirSync(site).find((f) => /^litellm-[\d.]+.*\.dist-info$/.test(f));
    if (d) return d.replace(/^litellm-/, "").replace(/\.dist-info$/, "");
  }
  return null;
}

export type Versions = Record<string, string | null>;

export function versions(): Versions {
  const head = out("git", ["rev-parse", "--short", "HEAD"], REPO);
  const dirty = out("git", ["status", "--porcelain"], REPO);
  return {
    "ai-gateway": `${jsonVersion(join(REPO, "package.json"))} (${head}${dirty ? ", uncommitted changes" : ""})`,
    node: out(NODE, ["--version"]),
    nginx: out("nginx", ["-v"])?.replace(/^nginx version: nginx\//, "") ?? null,
    wrk: out("wrk", ["-v"])?.split(/\s+/)[1] ?? null,
    portkey: jsonVersion(join(PORTKEY_ENTRY, "../../package.json")),
    litellm: litellmVersion(),
    kubernetes: readPinned("KUBERNETES_VERSION"),
    etcd: readPinned("ETCD_VERSION"),
  };
}

function readPinned(key: string): string | null {
  const f = join(REPO, "scripts/versions.env");
  if (!existsSync(f)) return null;
  return readFileSync(f, "utf8").match(new RegExp(`^${key}=(\\S+)`, "m"))?.[1] ?? null;
}
