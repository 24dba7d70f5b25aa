// Waiting for a server to go idle after a load run. A contender that could not keep up (LiteLLM at
// 1,000 req/s answers ~100) goes on working through its backlog after the load generator has
// stopped, on the server CPU, where the next contender is about to be measured. So after every run
// the bench waits until the server's process tree uses less than IDLE_SHARE of a core over a
// window, or gives up after a bound and says so.
import { setTimeout as sleep } from "node:timers/promises";
import { treeCpuMicros } from "./rss.ts";

const WINDOW_MS = 500;
const IDLE_SHARE = 0.05;

/** Ms waited until `pid`'s tree was idle, or undefined when it was still busy after `maxMs`. */
export async function waitIdle(pid: number, maxMs = 60_000): Promise<number | undefined> {
  if (pid <= 0) return 0;
  const t0 = performance.now();
  let before = treeCpuMicros(pid);
  for (;;) {
    const w0 = performance.now();
    await sleep(WINDOW_MS);
    const after = treeCpuMicros(pid);
    if (before === null || after === null) return performance.now() - t0; // gone: idle enough
    const busy = (after - before) / ((performance.now() - w0) * 1000);
    if (busy < IDLE_SHARE) return performance.now() - t0;
    if (performance.now() - t0 > maxMs) return undefined;
    before = after;
  }
}
