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

/** One in-flight request: a link in its route's list. */
interface Entry {
  kill: Kill;
  prev: Entry | undefined;
  next: Entry | undefined;
  /** Unset once unlinked (unregistered or killed). */
  list: RouteRequests | undefined;
}

/**
 * The in-flight requests of one route, as a doubly linked list: registering and unregistering a
 * request allocate nothing but its link. (A Set per route rehashed as requests came and went, and
 * its tables, referenced from the long-lived registry, were promoted to the old generation: at
 * 1,000 req/s that was a fifth of everything promoted, and so of the full GCs.) A route's list
 * stays while the route is served, empty or not.
 */
class RouteRequests {
  head: Entry | undefined;
  size = 0;

  add(kill: Kill): Entry {
    const e: Entry = { kill, prev: undefined, next: this.head, list: this };
    if (this.head) this.head.prev = e;
    this.head = e;
    this.size++;
    return e;
  }

  remove(e: Entry): void {
    if (e.list !== this) return;
    if (e.prev) e.prev.next = e.next;
    else this.head = e.next;
    if (e.next) e.next.prev = e.prev;
    e.prev = e.next = e.list = undefined;
    this.size--;
  }

  /** Unlink every request, oldest first. */
  takeAll(): Kill[] {
    const out: Kill[] = [];
    for (let e = this.head; e; ) {
      const next = e.next;
      out.push(e.kill);
      e.prev = e.next = e.list = undefined;
      e = next;
    }
    this.head = undefined;
    this.size = 0;
    return out.reverse();
  }
}

export class InFlightRegistry {
  readonly #byRoute = new Map<string, RouteRequests>();
  readonly #pending = new Map<string, NodeJS.Timeout>();
  readonly #opts: InFlightOptions;

  constructor(opts: InFlightOptions) {
    this.#opts = opts;
  }

  /** Register a request; returns its unregister function (a second call does nothing). */
  add(routeId: string, kill: Kill): () => void {
    let list = this.#byRoute.get(routeId);
    if (!list) {
      list = new RouteRequests();
      this.#byRoute.set(routeId, list);
    }
    const entry = list.add(kill);
    return () => entry.list?.remove(entry);
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
    for (const [id, list] of this.#byRoute) {
      if (routeIds.has(id)) continue;
      // a route gone with nothing in flight: forget it
      if (list.size === 0) {
        this.#byRoute.delete(id);
        continue;
      }
      if (this.#opts.drain || this.#pending.has(id)) continue;
      const timer = setTimeout(() => this.#kill(id), this.#opts.graceMs);
      this.#pending.set(id, timer);
    }
  }

  #kill(routeId: string): void {
    this.#pending.delete(routeId);
    const list = this.#byRoute.get(routeId);
    if (!list) return;
    this.#byRoute.delete(routeId);
    for (const kill of list.takeAll()) {
      this.#opts.onKilled(routeId);
      kill();
    }
  }

  close(): void {
    for (const t of this.#pending.values()) clearTimeout(t);
    this.#pending.clear();
  }
}
