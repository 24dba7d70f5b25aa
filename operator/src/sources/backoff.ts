// Capped exponential backoff with full jitter, for reconnects and retries.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  random?: () => number;
}

export class Backoff {
  readonly #opts: BackoffOptions;
  #attempt = 0;

  constructor(opts: BackoffOptions) {
    this.#opts = opts;
  }

  /** Delay before the next attempt: between base/2 and min(cap, base * 2^attempt). */
  next(): number {
    const { baseMs, capMs } = this.#opts;
    const ceiling = Math.min(capMs, baseMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    const random = this.#opts.random ?? Math.random;
    return Math.round(Math.max(baseMs / 2, ceiling * random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}

/** setTimeout as a promise that resolves early (without throwing) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
