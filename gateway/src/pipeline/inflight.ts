// The kill switch. Every request registers under its route id once matched. When a snapshot no
// longer has a route id, its in-flight requests are aborted after the grace period (or left to
// finish with --drain-killed); if the route comes back within the grace period, the kill is
// cancelled. New requests never see a removed route: the swapped table no longer has it.

export interface InFlightOptions {
  graceMs: number;
  drain: boolean;
  /** Called once per aborted request. */
  onKilled: (routeId: string) => void;
}

type Kill = () => void;

export class InFlightRegistry {
  readonly #byRoute = new Map<string, Set<Kill>>();
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #opts: InFlightOptions;

  constructor(opts: InFlightOptions) {
    this.#opts = opts;
  }

  /** Register a request; returns its unregister function. */
  add(routeId: string, kill: Kill): () => void {
    let set = this.#byRoute.get(routeId);
    if (!set) {
      set = new Set();
      this.#byRoute.set(routeId, set);
    }
    set.add(kill);
    return () => {
      const s = this.#byRoute.get(routeId);
      if (!s) return;
      s.delete(kill);
      if (s.size === 0) this.#byRoute.delete(routeId);
    };
  }

  count(routeId: string): number {
    return this.#byRoute.get(routeId)?.size ?? 0;
  }

  /** A new snapshot is being served with these route ids. */
  onRoutes(routeIds: ReadonlySet<string>): void {
    for (const [id, timer] of this.#pending) {
      if (!routeIds.has(id)) continue;
      clearTimeout(timer);
      this.#pending.delete(id);
    }
    if (this.#opts.drain) return;
    for (const id of this.#byRoute.keys()) {
      if (routeIds.has(id) || this.#pending.has(id)) continue;
      const timer = setTimeout(() => this.#kill(id), this.#opts.graceMs);
      this.#pending.set(id, timer);
    }
  }

  #kill(routeId: string): void {
    this.#pending.delete(routeId);
    const set = this.#byRoute.get(routeId);
    if (!set) return;
    this.#byRoute.delete(routeId);
    for (const kill of set) {
      this.#opts.onKilled(routeId);
      kill();
    }
  }

  close(): void {
    for (const t of this.#pending.values()) clearTimeout(t);
    this.#pending.clear();
  }
}
