// A proxy for the operator e2e: always the REAL proxy process (`ai-gateway proxy`); there is no
// stand-in, so a missing or broken proxy fails the test instead of being papered over.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatProxyArgs } from "../../gateway/src/flags.ts";
import { eventually } from "../harness/eventually.ts";
import { freePort, LOOPBACK } from "../harness/free-port.ts";
import { CLI, REPO_ROOT } from "./operator-process.ts";

export interface TestProxy {
  /** Local port serving the Gateway's listener port (80 unless `listenerPort` says otherwise). */
  httpPort: number;
  adminPort: number;
  /** The proxy's process id. */
  pid: number;
  output(): string;
  stop(): Promise<void>;
}

export async function startTestProxy(opts: {
  snapshotUrl: string;
  gateway: string;
  /** The Gateway's ServiceAccount token (proxy-token.ts). */
  token: string;
  /** The Gateway listener port served on `httpPort` (default 80). */
  listenerPort?: number;
  /** More flags, e.g. ["--workers", "2"]. */
  extraArgs?: string[];
}): Promise<TestProxy> {
  const dir = mkdtempSync(join(tmpdir(), "aigw-proxy-"));
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, `${opts.token}\n`, { mode: 0o600 });
  const httpPort = await freePort();
  const adminPort = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      CLI,
      "proxy",
      ...formatProxyArgs({
        gateway: opts.gateway,
        controlPlane: opts.snapshotUrl,
        tokenFile,
        portMap: { [opts.listenerPort ?? 80]: httpPort },
        adminPort,
        bind: LOOPBACK,
      }),
      ...(opts.extraArgs ?? []),
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  child.stderr?.on("data", (c: Buffer) => {
    out += c.toString("utf8");
  });
  const exited = new Promise<void>((r) => child.on("exit", () => r()));
  const onParentExit = () => child.kill("SIGKILL");
  process.on("exit", onParentExit);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(t);
    }
    process.off("exit", onParentExit);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`proxy exited:\n${out.slice(-3000)}`);
        const res = await fetch(`http://${LOOPBACK}:${adminPort}/ready`);
        if (res.status !== 200) throw new Error(`proxy not ready (${res.status}):\n${out.slice(-3000)}`);
      },
      { timeoutMs: 60_000, intervalMs: 200 },
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { httpPort, adminPort, pid: child.pid ?? 0, output: () => out, stop };
}
