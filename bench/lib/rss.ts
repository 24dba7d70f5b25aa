// Resident memory of a process and all its descendants (nginx workers, uvicorn workers, ...),
// read from /proc. Returns bytes, or null when the process is gone.
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
