// Polls a check until it passes or a deadline expires, then rethrows its last failure. For
// asserting state that converges (processes gone, objects deleted) without asserting timings.
import { sleep } from "./process.ts";

export async function eventually<T>(
  check: () => T | Promise<T>,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await sleep(opts.intervalMs ?? 100);
  }
}
