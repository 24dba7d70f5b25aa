// Closed-loop maximum throughput with wrk (fixed connections, fixed duration, one thread on the
// load CPU). The request body and headers go in a generated Lua script.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuPrefix } from "../lib/cpus.ts";

export type WrkOptions = {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  durationS: number;
  cpu?: string | undefined;
  /** Directory for the Lua script. */
  dir: string;
};

export type WrkResult = {
  requests: number;
  /** All answers per second, errors included (wrk's figure). */
  rps: number;
  /** 2xx/3xx answers per second: the throughput the tables report. */
  okRps: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Non-2xx/3xx responses plus socket errors. */
  errors: number;
};

function luaString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

export function wrkScript(body: string, headers: Record<string, string>): string {
  const lines = ['wrk.method = "POST"', `wrk.body = ${luaString(body)}`];
  const all = { "content-type": "application/json", ...headers };
  for (const [k, v] of Object.entries(all)) {
    // wrk sets "Host" itself: override that entry, or two Host headers go out.
    const name = k.toLowerCase() === "host" ? "Host" : k;
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(v)}`);
  }
  return `${lines.join("\n")}\n`;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function durationMs(s: string): number | null {
  const m = s.match(/^([\d.]+)(us|ms|s|m)$/);
  return m?.[1] && m[2] ? Number(m[1]) * (UNIT_MS[m[2]] ?? Number.NaN) : null;
}

/** Parses wrk's text report (run with --latency). */
export function parseWrk(out: string): WrkResult {
  const rps = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? Number.NaN);
  const requests = Number(out.match(/(\d+) requests in /)?.[1] ?? Number.NaN);
  const pct = (p: string) => {
    const m = out.match(new RegExp(`^\\s+${p}%\\s+(\\S+)`, "m"));
    return m?.[1] ? durationMs(m[1]) : null;
  };
  const non2xx = Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0);
  const sock = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const sockErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  if (!Number.isFinite(rps) || !Number.isFinite(requests)) throw new Error(`cannot parse wrk output: ${out}`);
  const errors = non2xx + sockErrors;
  const okRps = requests > 0 ? (rps * Math.max(0, requests - non2xx)) / requests : 0;
  return { requests, rps, okRps, p50Ms: pct("50"), p99Ms: pct("99"), errors };
}

export function runWrk(o: WrkOptions): Promise<WrkResult> {
  const script = join(o.dir, "wrk.lua");
  writeFileSync(script, wrkScript(o.body, o.headers));
  const args = [
    "-t1",
    `-c${o.connections}`,
    `-d${o.durationS}s`,
    "--timeout",
    "5s",
    "--latency",
    "-s",
    script,
    o.url,
  ];
  const [cmd, a] = cpuPrefix(o.cpu, "wrk", args);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, a, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
    });
    child.stderr.on("data", (b: Buffer) => {
      out += b.toString();
    });
    // wrk stops by itself after -d; this is the backstop.
    const timer = setTimeout(() => child.kill("SIGKILL"), (o.durationS + 30) * 1000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`wrk exited ${code}: ${out.slice(-500)}`));
      else {
        try {
          resolve(parseWrk(out));
        } catch (err) {
          reject(err);
        }
      }
    });
  });
}
