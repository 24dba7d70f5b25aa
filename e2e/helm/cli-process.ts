// The product's CLI (operator/src/cli.ts) as a real local process, run by the Node that runs the
// tests, with its JSON log in a file; stop() ends it (SIGTERM, then SIGKILL) and is idempotent.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../../scripts/lib/versions.ts";
import { onProcessExit } from "../harness/exit-cleanup.ts";
import { logTail, type ManagedProcess, sleep, terminate } from "../harness/process.ts";
import { startReaper } from "../harness/reaper.ts";

export const CLI_PATH = join(repoRoot, "operator", "src", "cli.ts");

export type CliProcess = {
  readonly proc: ManagedProcess;
  readonly logPath: string;
  /** Polls url until it answers 2xx; throws with the log tail if the process exits first. */
  waitHttpOk(url: string, timeoutMs?: number): Promise<void>;
  logTail(): string;
  stop(): Promise<void>;
};

function spawnCli(name: string, args: string[], logPath: string, env: NodeJS.ProcessEnv): ManagedProcess {
  const fd = openSync(logPath, "a", 0o600);
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [CLI_PATH, ...args], {
      stdio: ["ignore", fd, fd],
      env: { ...process.env, ...env },
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${name}`);
  const done = new Promise<void>((resolveDone) => {
    child.once("exit", () => resolveDone());
    child.once("error", () => resolveDone());
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    pid,
    logPath,
    alive,
    exited: () => done,
    signal: (sig) => {
      if (alive()) child.kill(sig);
    },
  };
}

export function startCli(opts: {
  name: string;
  args: string[];
  logPath: string;
  env?: NodeJS.ProcessEnv;
}): CliProcess {
  const proc = spawnCli(opts.name, opts.args, opts.logPath, opts.env ?? {});
  // Exit handlers cover normal ends and signals; the reaper covers the test runner being killed.
  const reaper = startReaper(undefined);
  reaper.watch(proc.pid);
  const unregister = onProcessExit(() => proc.signal("SIGKILL"));
  let stopping: Promise<void> | undefined;
  return {
    proc,
    logPath: opts.logPath,
    logTail: () => logTail(opts.logPath, 40),
    waitHttpOk: async (url, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (!proc.alive()) throw new Error(`${opts.name} exited:\n${logTail(opts.logPath, 40)}`);
        try {
          const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
          await res.arrayBuffer();
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) {
          throw new Error(`${opts.name}: ${url} not OK after ${timeoutMs} ms:\n${logTail(opts.logPath, 40)}`);
        }
        await sleep(200);
      }
    },
    stop: () => {
      stopping ??= (async () => {
        await terminate(proc, 5_000);
        reaper.release();
        unregister();
      })();
      return stopping;
    },
  };
}
