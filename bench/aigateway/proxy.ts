// ai-gateway's proxy as its own process (`ai-gateway proxy`, docs/cli.md), fed by the bench's
// stream server, so its RSS and CPU are its own. Ready = the first snapshot is acked as accepted
// and the mapped listener port accepts connections.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { formatProxyArgs } from "../../gateway/src/flags.ts";
import type { GatewayConfig } from "../../gateway/src/snapshot/schema.ts";
import { PROXY_NODE_FLAGS } from "../../operator/src/edges/proxy-node-options.ts";
import { type Running, Unavailable } from "../contenders/types.ts";
import { CHAT_PATH } from "../lib/fixtures.ts";
import { freePort, HOST, waitForPort } from "../lib/net.ts";
import { NODE, REPO } from "../lib/paths.ts";
import { Proc } from "../lib/proc.ts";
import { registerSecret } from "../lib/redact.ts";
import { GATEWAY, LISTENER_PORT, stamp } from "./snapshot.ts";
import { StreamServer } from "./stream-server.ts";

export const CLI = join(REPO, "operator/src/cli.ts");
const WARM = join(REPO, "operator/src/warm-compile-cache.ts");
/** The bench's compile cache: the image ships one prewarmed (scripts/image.ts), so the bench's proxy reads one too. */
export const COMPILE_CACHE = join(REPO, ".cache", "compile-cache");
const warmed = new Set<string>();

/**
 * Warm the compile cache for these flags (once per bench process and flag set): the proxy then
 * starts as it does from the image, without loading Node's TypeScript stripper.
 */
export function warmCompileCache(flags: readonly string[]): void {
  const key = flags.join(" ");
  if (warmed.has(key)) return;
  execFileSync(NODE, [...flags, WARM], {
    env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE },
    stdio: ["ignore", "ignore", "pipe"],
  });
  warmed.add(key);
}

export type ProxyOptions = {
  dir: string;
  cpu?: string | undefined;
  config: GatewayConfig;
  /** Extra Node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** `--workers` (default 1: one process). */
  workers?: number;
};

export type ProxyProcess = {
  proc: Proc;
  port: number;
  adminPort: number;
  stream: StreamServer;
  /** Wire size of the first snapshot line, bytes. */
  snapshotBytes: number;
  /** Ms from process start until the first snapshot was acked and the listener was open. */
  readyMs: number;
  stop(): Promise<void>;
};

export async function startProxyProcess(o: ProxyOptions): Promise<ProxyProcess> {
  if (!existsSync(CLI)) throw new Unavailable("operator/src/cli.ts does not exist yet");
  const token = registerSecret(`bench-${randomBytes(16).toString("hex")}`);
  const tokenFile = join(o.dir, "token");
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const stream = new StreamServer(token);
  const controlPlane = await stream.listen();
  const snapshotBytes = stream.push(stamp(o.config, 1));
  const [port, adminPort] = [await freePort(), await freePort()];
  // the flags provisioned proxies run with, then any the caller adds
  const nodeFlags = [...PROXY_NODE_FLAGS, ...(o.nodeFlags ?? [])];
  warmCompileCache(nodeFlags);
  const args = [
    ...nodeFlags,
    CLI,
    "proxy",
    ...formatProxyArgs({
      gateway: `${GATEWAY.namespace}/${GATEWAY.name}`,
      controlPlane,
      tokenFile,
      adminPort,
      portMap: { [LISTENER_PORT]: port },
      bind: HOST,
      ...(o.workers !== undefined ? { workers: o.workers } : {}),
    }),
  ];
  const started = performance.now();
  const proc = new Proc("ai-gateway", NODE, args, {
    cpu: o.cpu,
    cwd: o.dir,
    env: { ...process.env, LOG_LEVEL: "warn", NODE_COMPILE_CACHE: COMPILE_CACHE },
  });
  const stop = async () => {
    await proc.stop();
    await stream.close();
  };
  try {
    await Promise.race([
      stream.waitForAck(1, 60_000),
      proc.exited.then((c) => Promise.reject(new Error(`exited (${c})`))),
    ]);
    await waitForPort(port, 10_000, () => proc.running);
  } catch (err) {
    await stop();
    throw new Unavailable(`proxy did not start: ${(err as Error).message}: ${proc.tail(400)}`);
  }
  return { proc, port, adminPort, stream, snapshotBytes, readyMs: performance.now() - started, stop };
}

/** The Running view of a proxy process for the contender runner. */
export function proxyRunning(
  p: ProxyProcess,
  path = CHAT_PATH,
  headers: Record<string, string> = {},
): Running {
  return {
    url: `http://${HOST}:${p.port}${path}`,
    headers,
    pid: p.proc.pid,
    note: "snapshot backend tls:false, key injected",
    stop: p.stop,
  };
}
