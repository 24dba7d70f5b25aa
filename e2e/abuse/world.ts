// The abuse suite's world: the REAL proxy process (`ai-gateway proxy`) started with a heap limit
// like the chart's (--max-old-space-size=384), fed by a tiny snapshot stream server, in front of
// the provider simulator (which demands the platform key and records every request). Helpers read
// the process's RSS from /proc, speak raw HTTP on a socket, and measure the latency other clients
// see while an attack runs.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatProxyArgs, type ProxyLimits } from "../../gateway/src/flags.ts";
import type { Snapshot } from "../../gateway/src/snapshot/schema.ts";
import { freePort } from "../harness/free-port.ts";
import { eventually, LOOPBACK, stopChild } from "../proxy/harness.ts";
import { GATEWAY_KEY } from "../proxy/snapshot-builder.ts";
import { TinyStreamServer } from "../proxy/tiny-stream-server.ts";

const CLI = fileURLToPath(new URL("../../operator/src/cli.ts", import.meta.url));
const TOKEN = "abuse-stream-token-3c9d";
/** The chart's heap limit for a proxy container. */
export const HEAP_LIMIT_MB = 384;

export interface ProxyProcess {
  base: string;
  port: number;
  admin: string;
  pid: number;
  /** Serve a new snapshot; resolves with the proxy's ack. */
  push(s: Snapshot): Promise<{ accepted: boolean; reason?: string | undefined }>;
  output(): string;
  exited(): boolean;
  stop(): Promise<void>;
}

export async function startProxyProcess(
  first: Snapshot,
  limits: Partial<ProxyLimits> = {},
  extraArgs: string[] = [],
): Promise<ProxyProcess> {
  const dir = mkdtempSync(join(tmpdir(), "aigw-abuse-"));
  const tokenFile = join(dir, "token");
  writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
  const stream = new TinyStreamServer(TOKEN, 1000);
  const controlPlane = await stream.listen();
  stream.current = first;
  const port = await freePort();
  const adminPort = await freePort();
  let out = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [
      `--max-old-space-size=${HEAP_LIMIT_MB}`,
      CLI,
      "proxy",
      ...formatProxyArgs({
        gateway: GATEWAY_KEY,
        controlPlane,
        tokenFile,
        adminPort,
        portMap: { 80: port },
        bind: LOOPBACK,
        limits,
      }),
      ...extraArgs,
    ],
    { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, LOG_LEVEL: "info" } },
  );
  const keep = (c: Buffer): void => {
    out = (out + c.toString()).slice(-200_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const base = `http://${LOOPBACK}:${port}`;
  await eventually(
    async () => {
      if (child.exitCode !== null) throw new Error(`proxy exited: ${out}`);
      const res = await fetch(`${base}/health`).catch(() => undefined);
      await res?.text();
      return res?.status === 200;
    },
    "the proxy process serving its first snapshot",
    30_000,
  );
  return {
    base,
    port,
    admin: `http://${LOOPBACK}:${adminPort}`,
    pid: child.pid as number,
    async push(s) {
      stream.push(s);
      let ack: { accepted: boolean; reason?: string | undefined } | undefined;
      await eventually(() => {
        ack = stream.acks.find((a) => a.version === s.version);
        return ack !== undefined;
      }, `the ack of snapshot ${s.version}`);
      return ack as { accepted: boolean; reason?: string | undefined };
    },
    output: () => out,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      await stopChild(child);
      await stream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident set size of a process, bytes (Linux /proc). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return m ? Number(m[1]) * 1024 : 0;
}

/** Samples RSS every 25 ms until stopped; returns the peak. */
export function watchRss(pid: number): { stop(): number } {
  let peak = rssBytes(pid);
  const t = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
    } catch {
      // the process is gone: the test's crash check says so
    }
  }, 25);
  return {
    stop() {
      clearInterval(t);
      return peak;
    },
  };
}

export interface LatencyProbe {
  /** Stops the probe; latencies in ms and the count of non-200 answers. */
  stop(): Promise<{ p50: number; p99: number; max: number; n: number; failed: number }>;
}

/** A well-behaved client sending small chat requests back to back (2 at a time) while it runs. */
export function probeLatency(url: string, body: unknown): LatencyProbe {
  const samples: number[] = [];
  let failed = 0;
  let running = true;
  const loop = async (): Promise<void> => {
    while (running) {
      const started = performance.now();
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        await res.arrayBuffer();
        if (res.status !== 200) failed++;
      } catch {
        failed++;
      }
      samples.push(performance.now() - started);
    }
  };
  const loops = [loop(), loop()];
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      const sorted = [...samples].sort((a, b) => a - b);
      const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
      return { p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0, n: sorted.length, failed };
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: string;
  body: string;
  /** Everything received, for pipelining checks. */
  raw: string;
}

/** Parses the first HTTP/1.1 response in `raw` (content-length bodies only). */
export function parseRaw(raw: string): RawAnswer | undefined {
  const end = raw.indexOf("\r\n\r\n");
  if (end === -1) return undefined;
  const head = raw.slice(0, end);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const len = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
  return { status, headers: head, body: raw.slice(end + 4, end + 4 + len), raw };
}

/**
 * Writes `parts` on a raw socket (each after `gapMs`), then collects what comes back until the
 * server closes or `waitMs` passes.
 */
export async function rawExchange(
  port: number,
  parts: (string | Buffer)[],
  opts: { gapMs?: number; waitMs?: number } = {},
): Promise<{ raw: string; closed: boolean }> {
  const socket = net.connect(port, LOOPBACK);
  let raw = "";
  let closed = false;
  socket.on("data", (c: Buffer) => {
    raw += c.toString("latin1");
  });
  socket.on("error", () => {});
  const done = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  socket.once("close", () => {
    closed = true;
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  for (const p of parts) {
    if (socket.destroyed) break;
    socket.write(p);
    if (opts.gapMs) await new Promise((r) => setTimeout(r, opts.gapMs));
  }
  await Promise.race([done, new Promise((r) => setTimeout(r, opts.waitMs ?? 3000))]);
  socket.destroy();
  return { raw, closed };
}

export const PROVIDER_KEY = "sk-platform-abuse-7d41e0";

export const inject = {
  mode: "inject",
  header: "Authorization",
  prefix: "Bearer ",
  credential: PROVIDER_KEY,
  source: "secret:ai/openai#apiKey",
} as const;
