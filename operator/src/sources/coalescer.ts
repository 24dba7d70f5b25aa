// Turns bursts of "something changed" into single runs of one task: a run starts `debounceMs`
// after the last trigger, but never later than `maxDelayMs` after the first trigger of a burst.
// Runs never overlap: a trigger during a run schedules exactly one more run after it.
// Level-triggered: the task gets no event, it reads the current state.

export interface CoalescerOptions {
  debounceMs: number;
  maxDelayMs: number;
  run: () => Promise<void>;
  onError: (err: unknown) => void;
}

export class Coalescer {
  readonly #opts: CoalescerOptions;
  #timer: NodeJS.Timeout | undefined;
  #firstTriggerAt: number | undefined;
  #running: Promise<void> | undefined;
  #pendingAfterRun = false;
  #closed = false;

  constructor(opts: CoalescerOptions) {
    this.#opts = opts;
  }

  trigger(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#pendingAfterRun = true;
      return;
    }
    const now = Date.now();
    this.#firstTriggerAt ??= now;
    const deadline = this.#firstTriggerAt + this.#opts.maxDelayMs;
    const delay = Math.max(0, Math.min(this.#opts.debounceMs, deadline - now));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#start(), delay);
  }

  /** Resolves when no run is in progress or scheduled. */
  async idle(): Promise<void> {
    while (this.#running || this.#timer) {
      if (this.#running) await this.#running;
      else await new Promise((r) => setTimeout(r, this.#opts.debounceMs));
    }
  }

  /** Stop scheduling; waits for a run in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  #start(): void {
    this.#timer = undefined;
    this.#firstTriggerAt = undefined;
    this.#running = this.#runOnce();
  }

  async #runOnce(): Promise<void> {
    try {
      await this.#opts.run();
    } catch (err) {
      this.#opts.onError(err);
    } finally {
      this.#running = undefined;
      if (this.#pendingAfterRun) {
        this.#pendingAfterRun = false;
        this.trigger();
      }
    }
  }
}
