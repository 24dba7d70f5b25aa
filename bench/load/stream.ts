// Sequential streaming requests: time to the first body byte and to the end of the stream, one
// request at a time (no concurrency, so this is pure added latency). A stream counts only when it
// is a 200 and ends with the OpenAI "[DONE]" event.
import { Agent, request } from "node:http";
import { type Summary, summarize } from "../lib/stats.ts";

export type StreamOptions = {
  url: string;
  body: string;
  headers: Record<string, string>;
  n: number;
  timeoutMs: number;
};

export type StreamResult = { ok: number; failed: number; ttfb: Summary; total: Summary; firstError?: string };

type One = { ttfb: number; total: number } | { error: string };

function once(o: StreamOptions, agent: Agent): Promise<One> {
  const url = new URL(o.url);
  const body = Buffer.from(o.body);
  return new Promise((resolve) => {
    const start = performance.now();
    let ttfb = -1;
    let tail = "";
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", ...o.headers, "content-length": String(body.length) },
      },
      (res) => {
        res.on("data", (b: Buffer) => {
          if (ttfb < 0) ttfb = performance.now() - start;
          tail = (tail + b.toString("utf8")).slice(-256);
        });
        res.on("end", () => {
          const total = performance.now() - start;
          if (res.statusCode !== 200) resolve({ error: `status ${res.statusCode}: ${tail.slice(-120)}` });
          else if (!tail.includes("[DONE]")) resolve({ error: "stream did not end with [DONE]" });
          else resolve({ ttfb, total });
        });
        res.on("error", (err) => resolve({ error: err.message }));
      },
    );
    req.setTimeout(o.timeoutMs, () => req.destroy(new Error("timeout")));
    req.on("error", (err) => resolve({ error: err.message }));
    req.end(body);
  });
}

export async function runStreams(o: StreamOptions): Promise<StreamResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const ttfb: number[] = [];
  const total: number[] = [];
  let failed = 0;
  let firstError: string | undefined;
  try {
    for (let i = 0; i < o.n; i++) {
      const r = await once(o, agent);
      if ("error" in r) {
        failed++;
        firstError ??= r.error;
        if (failed >= 5 && ttfb.length === 0) break; // clearly broken: stop early
      } else {
        ttfb.push(r.ttfb);
        total.push(r.total);
      }
    }
  } finally {
    agent.destroy();
  }
  const result: StreamResult = { ok: ttfb.length, failed, ttfb: summarize(ttfb), total: summarize(total) };
  if (firstError !== undefined) result.firstError = firstError;
  return result;
}
