// Child processes of the bench: each in its own process group (so a server's workers die with
// it), optionally pinned to a CPU with taskset, output kept as a bounded tail for error reports.
// Every process started here is registered and killed on exit, SIGINT/SIGTERM or a crash.
import { type ChildProcess, spawn } from "node:child_process";
import { cpuPrefix } from "./cpus.ts";
import { redact } from "./redact.ts";

const TAIL_BYTES = 16_384;
const live = new Set<Proc>();

export type SpawnOptions = {
  /** CPU list for taskset, e.g. "1". Ignored where taskset is unavailable. */
  cpu?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
};

export class Proc {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  #tail = "";
  #listeners: Array<(chunk: string) => void> = [];
  #exitCode: number | null | undefined;

  constructor(name: string, cmd: string, args: string[], opts: SpawnOptions = {}) {
    this.name = name;
    const [c, a] = cpuPrefix(opts.cpu, cmd, args);
    this.child = spawn(c, a, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const onData = (buf: Buffer) => {
      const s = buf.toString("utf8");
      this.#tail = (this.#tail + s).slice(-TAIL_BYTES);
      for (const l of this.#listeners) l(s);
    };
    this.child.stdout?.on("data", onData);
    this.child.stderr?.on("data", onData);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.#exitCode = code ?? (signal ? -1 : null);
        live.delete(this);
        resolve(this.#exitCode);
      });
      this.child.once("error", (err) => {
        this.#tail += `\nspawn error: ${err.message}`;
        this.#exitCode = -1;
        live.delete(this);
        resolve(-1);
      });
    });
    live.add(this);
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name}: no pid (spawn failed: ${this.tail()})`);
    return this.child.pid;
  }

  get running(): boolean {
    return this.#exitCode === undefined;
  }

  tail(max = 2000): string {
    return this.#tail.slice(-max).trim();
  }

  /** Resolves with the first match of `re` in the output (from the start), or rejects on exit/timeout. */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      let seen = this.#tail;
      const done = (err: Error | null, m?: RegExpMatchArray) => {
        clearTimeout(timer);
        this.#listeners = this.#listeners.filter((l) => l !== listener);
        if (err) reject(err);
        else resolve(m!);
      };
      const listener = (s: string) => {
        seen += s;
        const m = seen.match(re);
        if (m) done(null, m);
      };
      const timer = setTimeout(
        () => done(new Error(`${this.name}: no ${re} within ${timeoutMs} ms: ${this.tail(600)}`)),
        timeoutMs,
      );
      const first = seen.match(re);
      if (first) {
        clearTimeout(timer);
        resolve(first);
        return;
      }
      this.#listeners.push(listener);
      void this.exited.then((code) => done(new Error(`${this.name} exited (${code}): ${this.tail(600)}`)));
    });
  }

  /** SIGTERM (or `signal`) to the whole group, SIGKILL after `graceMs`. */
  async stop(graceMs = 5000, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
    if (!this.running || this.child.pid === undefined) return;
    killGroup(this.child.pid, signal);
    const timer = setTimeout(() => killGroup(this.child.pid!, "SIGKILL"), graceMs);
    await this.exited;
    clearTimeout(timer);
    killGroup(this.child.pid, "SIGKILL"); // leftovers of the group (workers)
  }
}

/** The last line of `log` that looks like an error, for a failure report. */
export function errorLine(log: string): string {
  const lines = log.split("\n").filter((l) => /error|exception|traceback/i.test(l));
  return (lines.at(-1) ?? "").trim().slice(0, 200);
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** Synchronous last-resort cleanup: SIGKILL every process group still alive. */
export function killAll(): void {
  for (const p of live) if (p.child.pid !== undefined) killGroup(p.child.pid, "SIGKILL");
  live.clear();
}

let installed = false;
/** Kill every child on exit, on SIGINT/SIGTERM and on a crash. Call once from the entry point. */
export function installCleanup(extra: () => void = () => {}): void {
  if (installed) return;
  installed = true;
  process.on("exit", () => {
    killAll();
    extra();
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(sig, () => {
      console.error(`bench: ${sig}, cleaning up`);
      process.exit(130);
    });
  }
  process.on("uncaughtException", (err) => {
    console.error(
      redact(`bench: crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`),
    );
    process.exit(1);
  });
}
