// Polls the proxy every few ms with a real chat completion until it answers the wanted status.
import { Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { REQUEST_BODY } from "../lib/fixtures.ts";

const agent = new Agent({ keepAlive: true, maxSockets: 4 });
const body = Buffer.from(REQUEST_BODY);

export function status(url: string, host: string): Promise<number> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: "POST",
        agent,
        headers: { host, "content-type": "application/json", "content-length": String(body.length) },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", () => resolve(0));
      },
    );
    req.setTimeout(5000, () => req.destroy());
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

/** Ms from `since` until the proxy answers `want` for `host`; null on timeout. */
export async function pollUntil(
  url: string,
  host: string,
  want: number,
  since: number,
  timeoutMs: number,
  intervalMs = 5,
): Promise<number | null> {
  while (performance.now() - since < timeoutMs) {
    if ((await status(url, host)) === want) return performance.now() - since;
    await sleep(intervalMs);
  }
  return null;
}

export function closePoller(): void {
  agent.destroy();
}
