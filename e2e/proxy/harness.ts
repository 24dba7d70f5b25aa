// Proxy e2e world: the provider simulator(s) and an in-process proxy fed with snapshots through
// handle.apply(), its logs captured in memory (debug level) so tests can check what they contain.
import type { ChildProcess } from "node:child_process";
import { createLogger } from "../../gateway/src/log.ts";
import { type ProxyHandle, type ProxyOptions, startProxy } from "../../gateway/src/main.ts";
import type { Snapshot } from "../../gateway/src/snapshot/schema.ts";
import type { ApplyResult } from "../../gateway/src/snapshot/store.ts";
import { type Simulator, type SimulatorOptions, startSimulator } from "../simulator/index.ts";
import { GATEWAY_KEY } from "./snapshot-builder.ts";

export const LOOPBACK = "127.0.0.1";

export interface ProxyWorld {
  proxy: ProxyHandle;
  /** Base URL of the Gateway listener on port 80 (after the first apply). */
  base: string;
  admin: string;
  logs: string[];
  apply(s: Snapshot | unknown): Promise<ApplyResult>;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

export async function startProxyWorld(opts: Partial<ProxyOptions> = {}): Promise<ProxyWorld> {
  const logs: string[] = [];
  const log = createLogger({ level: "debug", destination: { write: (s: string) => void logs.push(s) } });
  const proxy = await startProxy({
    gateway: GATEWAY_KEY,
    adminPort: 0,
    bind: LOOPBACK,
    portMap: { 80: 0, 8080: 0 },
    log,
    ...opts,
  });
  const world: ProxyWorld = {
    proxy,
    base: "",
    admin: `http://${LOOPBACK}:${proxy.adminPort}`,
    logs,
    async apply(s) {
      const r = proxy.apply(s);
      await r.listening;
      const port = proxy.listenerPort(80);
      if (port !== undefined) world.base = `http://${LOOPBACK}:${port}`;
      return r;
    },
    async metrics() {
      return (await fetch(`${world.admin}/metrics`)).text();
    },
    close: () => proxy.close(),
  };
  return world;
}

export async function withSimulators<T>(
  n: number,
  opts: SimulatorOptions,
  fn: (sims: Simulator[]) => Promise<T>,
): Promise<T> {
  const sims: Simulator[] = [];
  try {
    for (let i = 0; i < n; i++) sims.push(await startSimulator(opts));
    return await fn(sims);
  } finally {
    await Promise.all(sims.map((s) => s.close()));
  }
}

/** Sum of the samples of `name` whose labels include `match` (Prometheus text format). */
export function metricSum(text: string, name: string, match: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const brace = line.indexOf("{");
    const labels: Record<string, string> = {};
    if (brace !== -1 && line.startsWith(`${name}{`)) {
      const body = line.slice(brace + 1, line.lastIndexOf("}"));
      for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[m[1] as string] = m[2] as string;
    }
    if (Object.entries(match).every(([k, v]) => labels[k] === v)) {
      sum += Number(line.slice(line.lastIndexOf(" ") + 1));
    }
  }
  return sum;
}

/** Polls `check` until it returns true (a condition, never a timing assertion). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  limitMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Stops a child process this test started: SIGTERM, then SIGKILL if it lingers. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(
    () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, "SIGKILL"),
    5000,
  );
  await exited;
  clearTimeout(timer);
}
