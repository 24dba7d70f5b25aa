// Open-loop fixed-rate load: request i is sent at t0 + i/rate whether or not earlier ones have
// answered (no coordinated omission from waiting on responses). Latency is measured from the
// moment the request is handed to the HTTP client, so time spent queued for a free connection
// counts. Bounded in count (rate x duration) and time (per-request timeout, then everything
// still open is destroyed).
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { type Summary, summarize } from "../lib/stats.ts";

export const OpenLoopConfig = z.object({
  url: z.string(),
  body: z.string(),
  headers: z.record(z.string(), z.string()),
  rate: z.number().positive(),
  durationS: z.number().positive(),
  /** Sent at the same rate before the measured ones and not recorded: the generator's JIT and
   * every connection are warm when measuring starts. */
  warmupS: z.number().nonnegative().default(0),
  connections: z.number().int().positive(),
  timeoutMs: z.number().int().positive(),
});
export type OpenLoopConfig = z.input<typeof OpenLoopConfig>;

export type OpenLoopResult = {
  sent: number;
  ok: number;
  errors: number;
  timeouts: number;
  achievedRps: number;
  /** Latency of the 2xx responses, ms. */
  latency: Summary;
  /** Worst delay between a request's scheduled and actual send time, ms (generator health). */
  maxScheduleLagMs: number;
};

export async function openLoop(input: OpenLoopConfig): Promise<OpenLoopResult> {
  const cfg = OpenLoopConfig.parse(input);
  const agent = new Agent({ keepAlive: true, maxSockets: cfg.connections });
  const url = new URL(cfg.url);
  const body = Buffer.from(cfg.body);
  const headers = {
    "content-type": "application/json",
    ...cfg.headers,
    "content-length": String(body.length),
  };
  const measured = Math.max(1, Math.round(cfg.rate * cfg.durationS));
  const warm = Math.round(cfg.rate * cfg.warmupS);
  const total = warm + measured;
  const interval = 1000 / cfg.rate;
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let timeouts = 0;
  let finished = 0;
  let maxLag = 0;
  let lastEnd = 0;
  const open = new Set<ReturnType<typeof request>>();

  const fire = (counted: boolean) => {
    const start = performance.now();
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: "POST", agent, headers },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => {
          open.delete(req);
          finished++;
          if (!counted) return;
          lastEnd = performance.now();
          if (res.statusCode !== undefined && res.statusCode < 300) {
            ok++;
            latencies.push(performance.now() - start);
          } else errors++;
        });
      },
    );
    open.add(req);
    req.setTimeout(cfg.timeoutMs, () => req.destroy(new Error("timeout")));
    req.on("error", (err) => {
      if (!open.delete(req)) return;
      finished++;
      if (!counted) return;
      if (err.message === "timeout") timeouts++;
      else errors++;
    });
    req.end(body);
  };

  const t0 = performance.now() + 20;
  let next = 0;
  while (next < total) {
    const now = performance.now();
    while (next < total && t0 + next * interval <= now) {
      if (next >= warm) maxLag = Math.max(maxLag, now - (t0 + next * interval));
      fire(next >= warm);
      next++;
    }
    if (next < total) await sleep(Math.max(0, Math.min(1, t0 + next * interval - performance.now())));
  }
  const sentAt = performance.now();
  const deadline = sentAt + cfg.timeoutMs + 1000;
  while (finished < total && performance.now() < deadline) await sleep(5);
  for (const req of open) {
    req.destroy();
    timeouts++; // a warm-up request still open after the timeout is a timeout too
  }
  open.clear();
  agent.destroy();
  const elapsedS = (Math.max(sentAt, lastEnd) - (t0 + warm * interval)) / 1000;
  return {
    sent: measured,
    ok,
    errors,
    timeouts,
    achievedRps: ok / elapsedS,
    latency: summarize(latencies),
    maxScheduleLagMs: maxLag,
  };
}
