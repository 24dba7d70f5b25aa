// The long-running children of a control plane (etcd, kube-apiserver): spawned with their output
// in a log file, or adopted by pid from an earlier command (persistent mode), killed and awaited.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";

export type ManagedProcess = {
  readonly name: string;
  readonly pid: number;
  readonly logPath: string;
  alive(): boolean;
  /** Resolves once the process has exited (or at once when it is gone). */
  exited(): Promise<void>;
  /** Sends a signal; no-op when the process is gone. */
  signal(sig: NodeJS.Signals): void;
};

export type SpawnOptions = {
  name: string;
  command: string;
  args: string[];
  logPath: string;
  /** Own session, not tied to this process (persistent mode); otherwise a normal child. */
  detached: boolean;
};

export function spawnProcess(opts: SpawnOptions): ManagedProcess {
  const fd = openSync(opts.logPath, "a", 0o600);
  let child: ChildProcess;
  try {
    child = spawn(opts.command, opts.args, {
      stdio: ["ignore", fd, fd],
      detached: opts.detached,
      env: { ...process.env, GOTRACEBACK: "all" },
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${opts.name} (${opts.command})`);
  const done = new Promise<void>((resolveDone) => {
    child.once("exit", () => resolveDone());
    child.once("error", () => resolveDone());
  });
  // Never keep this process alive just for the child: an ephemeral control plane dies with its
  // owner (exit handlers), a persistent one outlives it. Waiting for the exit holds a ref instead.
  child.unref();
  const exited = async () => {
    const hold = setInterval(() => {}, 60_000);
    try {
      await done;
    } finally {
      clearInterval(hold);
    }
  };
  return {
    name: opts.name,
    pid,
    logPath: opts.logPath,
    alive: () => child.exitCode === null && child.signalCode === null,
    exited,
    signal: (sig) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
  };
}

/** argv of a live, non-zombie process, or undefined (Linux /proc). */
function processArgv(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") return undefined;
    return readFileSync(`/proc/${pid}/cmdline`, "utf8")
      .split("\0")
      .filter((s) => s !== "");
  } catch {
    return undefined;
  }
}

/** True while pid is a running (non-zombie) process. */
export function pidAlive(pid: number): boolean {
  return processArgv(pid) !== undefined;
}

/** True when pid runs `command` with an argument mentioning `marker` (guards against pid reuse). */
export function isOurProcess(pid: number, command: string, marker: string): boolean {
  const argv = processArgv(pid);
  return argv !== undefined && argv[0] === command && argv.some((a) => a.includes(marker));
}

/**
 * A process started by an earlier command (pid file). Undefined when that pid no longer runs
 * `command` with `marker` in its arguments.
 */
export function adoptProcess(opts: {
  name: string;
  pid: number;
  command: string;
  marker: string;
  logPath: string;
}): ManagedProcess | undefined {
  const { pid, command, marker } = opts;
  if (!isOurProcess(pid, command, marker)) return undefined;
  const alive = () => isOurProcess(pid, command, marker);
  // an exiting process has already released its memory (an empty cmdline, so no longer "ours") but
  // still runs until it is a zombie: it has exited only then
  const exited = async () => {
    while (alive() || processArgv(pid)?.length === 0) await sleep(50);
  };
  return {
    name: opts.name,
    pid,
    logPath: opts.logPath,
    alive,
    exited,
    signal: (sig) => {
      if (!alive()) return;
      try {
        process.kill(pid, sig);
      } catch {
        // gone in between
      }
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** SIGTERM (unless graceMs is 0), then SIGKILL after graceMs; resolves when the process is gone. */
export async function terminate(proc: ManagedProcess, graceMs: number): Promise<void> {
  if (!proc.alive()) return;
  if (graceMs <= 0) {
    proc.signal("SIGKILL");
    await proc.exited();
    return;
  }
  proc.signal("SIGTERM");
  const timer = setTimeout(() => proc.signal("SIGKILL"), graceMs);
  try {
    await proc.exited();
  } finally {
    clearTimeout(timer);
  }
}

/** Last `lines` lines of a log file, for error messages ("" when unreadable). */
export function logTail(path: string, lines = 25): string {
  try {
    const text = readFileSync(path, "utf8");
    return text.trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}
