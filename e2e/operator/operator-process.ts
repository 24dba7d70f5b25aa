// Starts the operator as a real process (`node operator/src/cli.ts operator …`) against a test
// control plane, captures its output, waits for /readyz, and always cleans up.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { eventually } from "../harness/eventually.ts";
import { freePort, LOOPBACK } from "../harness/free-port.ts";

export const REPO_ROOT = resolve(import.meta.dirname, "../..");
export const CLI = join(REPO_ROOT, "operator/src/cli.ts");

export interface OperatorProcessOptions {
  kubeconfigPath: string;
  leaderElect?: boolean;
  /** Provision proxy Deployments (default off: proxies run as test processes). */
  provision?: boolean;
  namespace?: string;
  extraArgs?: string[];
  /** Wait for /readyz (default true). A standby replica never gets ready. */
  waitReady?: boolean;
}

export interface OperatorProcess {
  readonly child: ChildProcess;
  readonly snapshotUrl: string;
  readonly adminUrl: string;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  ready(): Promise<boolean>;
  waitReady(timeoutMs?: number): Promise<void>;
  metrics(): Promise<string>;
  /** SIGTERM, then SIGKILL after a grace period; resolves with the exit code. */
  stop(): Promise<number | null>;
  kill9(): Promise<void>;
  readonly exited: Promise<number | null>;
}

export async function startOperatorProcess(opts: OperatorProcessOptions): Promise<OperatorProcess> {
  const dir = mkdtempSync(join(tmpdir(), "aigw-operator-"));
  const snapshotPort = await freePort();
  const adminPort = await freePort();
  const args = [
    CLI,
    "operator",
    opts.provision ? "--provision" : "--no-provision",
    opts.leaderElect ? "--leader-elect" : "--no-leader-elect",
    "--snapshot-port",
    String(snapshotPort),
    "--admin-port",
    String(adminPort),
    "--bind",
    LOOPBACK,
    // plain HTTP on loopback for the protocol tests (the only place it is allowed); TLS tests pass
    // --snapshot-tls, which comes later and wins
    "--no-snapshot-tls",
    ...(opts.namespace ? ["--namespace", opts.namespace] : []),
    ...(opts.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, KUBECONFIG: opts.kubeconfigPath, LOG_LEVEL: "debug" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
  const onParentExit = () => child.kill("SIGKILL");
  process.on("exit", onParentExit);
  const adminUrl = `http://${LOOPBACK}:${adminPort}`;
  let done = false;
  exited.then(() => {
    done = true;
    process.off("exit", onParentExit);
    rmSync(dir, { recursive: true, force: true });
  });
  const proc: OperatorProcess = {
    child,
    snapshotUrl: `http://${LOOPBACK}:${snapshotPort}`,
    adminUrl,
    exited,
    output: () => out,
    ready: async () => {
      try {
        return (await fetch(`${adminUrl}/readyz`)).status === 200;
      } catch {
        return false;
      }
    },
    waitReady: async (timeoutMs = 60_000) => {
      const early = exited.then(() => {
        throw new Error(`operator exited early:\n${out.slice(-4000)}`);
      });
      const ready = eventually(
        async () => {
          if (!(await proc.ready())) throw new Error(`operator not ready:\n${out.slice(-4000)}`);
        },
        { timeoutMs, intervalMs: 200 },
      );
      early.catch(() => {});
      await Promise.race([ready, early]);
    },
    metrics: async () => (await fetch(`${adminUrl}/metrics`)).text(),
    stop: async () => {
      if (done) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill9: async () => {
      if (done) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
  if (opts.waitReady ?? true) {
    try {
      await proc.waitReady();
    } catch (err) {
      await proc.kill9();
      throw err;
    }
  }
  return proc;
}
