// CPU placement. On a machine with 2+ cores and taskset, the load generator (and the bench
// itself, and upstream mocks of proxies) run on LOAD_CPU and the server under test on SERVER_CPU,
// so the two never steal each other's cycles. Without taskset nothing is pinned (and the
// results say so).
import { spawnSync } from "node:child_process";
import { cpus } from "node:os";

const hasTaskset = spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;
export const PINNING = hasTaskset && cpus().length >= 2;
export const LOAD_CPU = "0";
export const SERVER_CPU = String(Math.min(1, cpus().length - 1));

/** [cmd, args] prefixed with `taskset -c <cpu>` when pinning is possible and a cpu is given. */
export function cpuPrefix(cpu: string | undefined, cmd: string, args: string[]): [string, string[]] {
  if (!PINNING || cpu === undefined) return [cmd, args];
  return ["taskset", ["-c", cpu, cmd, ...args]];
}

/** Pin every thread of this process (the orchestrator) to `cpu`. */
export function pinSelf(cpu: string): void {
  if (PINNING) spawnSync("taskset", ["-a", "-pc", cpu, String(process.pid)], { stdio: "ignore" });
}
