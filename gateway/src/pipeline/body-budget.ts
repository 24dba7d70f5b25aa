// The process-wide budget of request-body bytes being buffered (--max-inflight-body-bytes): many
// large bodies at once get 503 body_budget_exceeded instead of growing the heap without bound.

export class BodyBudget {
  readonly limit: number;
  #used = 0;
  readonly #onRefused: () => void;

  constructor(limit: number, onRefused: () => void = () => {}) {
    this.limit = limit;
    this.#onRefused = onRefused;
  }

  get used(): number {
    return this.#used;
  }

  /** Reserve `n` bytes; false (and nothing reserved) when that would exceed the budget. */
  take(n: number): boolean {
    if (this.#used + n > this.limit) {
      this.#onRefused();
      return false;
    }
    this.#used += n;
    return true;
  }

  give(n: number): void {
    this.#used = Math.max(0, this.#used - n);
  }
}
