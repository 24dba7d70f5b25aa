// Passive outlier ejection of one provider (upstream agentgateway's policies.health), as a pure
// state machine: the caller passes the time in. Semantics follow upstream's health.rs and
// loadbalancer.rs:
// - every attempt is healthy or unhealthy (condition.ts); the health score is an EWMA of that
//   (alpha 0.3, starting at 1; from 0 the next value is taken as is);
// - an unhealthy attempt ejects when eviction.consecutiveFailures is reached (counting this one)
//   or the score BEFORE this attempt is below eviction.healthThreshold; when neither is set, one
//   unhealthy attempt ejects;
// - the ejection lasts duration × (times ejected before + 1); a success resets that count and the
//   consecutive failures. Without policies.health.eviction, a response's Retry-After is the
//   duration, and without one there is no ejection (the score still moves);
// - failures while ejected do not start or lengthen an ejection;
// - when the ejection ends, the score becomes eviction.restoreHealth when set.

export interface EvictionPolicy {
  /** Base ejection time (ms). */
  durationMs?: number;
  /** Score (0..1) given back when an ejection ends; unset: the score it had. */
  restoreHealth?: number;
  consecutiveFailures?: number;
  /** Score (0..1) under which an unhealthy attempt ejects. */
  healthThreshold?: number;
}

export const EWMA_ALPHA = 0.3;
/** Upstream's default base ejection when eviction is set without a duration. */
export const DEFAULT_EJECTION_MS = 3_000;

export class ProviderHealth {
  /** EWMA of healthy (1) and unhealthy (0) attempts. */
  score = 1;
  consecutiveFailures = 0;
  timesEjected = 0;
  /** Unix ms the current ejection ends; undefined when not ejected. */
  ejectedUntil: number | undefined;
  #restore: number | undefined;

  /** Is the provider ejected at `now`? An ejection that has run out ends here (restoreHealth). */
  ejected(now: number): boolean {
    if (this.ejectedUntil === undefined) return false;
    if (now < this.ejectedUntil) return true;
    this.ejectedUntil = undefined;
    if (this.#restore !== undefined) this.score = this.#restore;
    this.#restore = undefined;
    return false;
  }

  /**
   * Records one attempt's outcome. Returns the end (Unix ms) of the ejection it starts, or
   * undefined when it starts none.
   */
  record(
    unhealthy: boolean,
    eviction: EvictionPolicy | undefined,
    now: number,
    retryAfterMs?: number,
  ): number | undefined {
    const ejectedBefore = this.ejected(now);
    const before = this.score;
    const failuresIncludingThis = this.consecutiveFailures + 1;
    this.#ewma(unhealthy ? 0 : 1);
    if (!unhealthy) {
      this.consecutiveFailures = 0;
      this.timesEjected = 0;
      return undefined;
    }
    this.consecutiveFailures = failuresIncludingThis;
    const base = eviction ? (eviction.durationMs ?? DEFAULT_EJECTION_MS) : retryAfterMs;
    if (base === undefined || base <= 0 || ejectedBefore) return undefined;
    const threshold = eviction?.healthThreshold;
    const count = eviction?.consecutiveFailures;
    const trips =
      threshold === undefined && count === undefined
        ? true
        : (threshold !== undefined && before < threshold) ||
          (count !== undefined && count > 0 && failuresIncludingThis >= count);
    if (!trips) return undefined;
    this.timesEjected += 1;
    this.ejectedUntil = now + base * this.timesEjected;
    this.#restore = eviction?.restoreHealth;
    return this.ejectedUntil;
  }

  #ewma(value: number): void {
    this.score = this.score === 0 ? value : EWMA_ALPHA * value + (1 - EWMA_ALPHA) * this.score;
  }
}
