// Runs `fn` at most once per `intervalMs`, trailing: calls in between are folded into one run at
// the end of the interval. Policy counter reports use it so a policy's status is rewritten every
// few seconds at most, however many proxies report.
export class Throttle {
  readonly #fn: () => void;
  readonly #intervalMs: number;
  readonly #now: () => number;
  #last = Number.NEGATIVE_INFINITY;
  #timer: NodeJS.Timeout | undefined;

  constructor(fn: () => void, intervalMs: number, now: () => number = Date.now) {
    this.#fn = fn;
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  call(): void {
    if (this.#timer) return;
    const wait = Math.max(0, this.#last + this.#intervalMs - this.#now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#last = this.#now();
      this.#fn();
    }, wait);
    this.#timer.unref();
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
