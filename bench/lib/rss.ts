// Resident memory and CPU time of a process and all its descendants (nginx workers, uvicorn
// workers, ...), read from /proc. Null when the process is gone.
import { readdirSync, readFileSync } from "node:fs";

function vmRssBytes(pid: number): number | null {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmRSS:\s+(\d+)\s+kB/m);
    return m?.[1] ? Number(m[1]) * 1024 : 0;
  } catch {
    return null;
  }
}

function children(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const s = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (s) out.push(...s.split(/\s+/).map(Number));
    } catch {
      // thread ended
    }
  }
  return out;
}

export function treeRssBytes(pid: number): number | null {
  const own = vmRssBytes(pid);
  if (own === null) return null;
  let total = own;
  for (const c of children(pid)) total += treeRssBytes(c) ?? 0;
  return total;
}

/** user + system CPU time (µs) of a process and its descendants, from /proc; null when it is gone. */
export function treeCpuMicros(pid: number): number | null {
  let own: number;
  try {
    // fields after the command: utime and stime are the 12th and 13th (clock ticks of 10 ms)
    const after = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    own = (Number(after[11]) + Number(after[12])) * 10_000;
  } catch {
    return null;
  }
  let total = own;
  for (const c of children(pid)) total += treeCpuMicros(c) ?? 0;
  return total;
}
