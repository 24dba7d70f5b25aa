// Armed faults. A fault applies to the next `count` requests (default 1) — or, with a
// pathPrefix, to requests whose path starts with it (unlimited unless count is given). The
// oldest armed fault that matches wins.
import type { Fault, FaultOptions } from "./types.ts";

interface Armed {
  fault: Fault;
  remaining: number;
  pathPrefix: string | undefined;
}

export interface FaultBook {
  inject(fault: Fault, opts?: FaultOptions): void;
  /** The fault for a request to `path`, consuming one use of it. */
  take(path: string): Fault | undefined;
  clear(): void;
  size(): number;
}

export function createFaultBook(): FaultBook {
  let armed: Armed[] = [];
  return {
    inject(fault, opts = {}) {
      const remaining = opts.count ?? (opts.pathPrefix === undefined ? 1 : Number.POSITIVE_INFINITY);
      armed.push({ fault, remaining, pathPrefix: opts.pathPrefix });
    },
    take(path) {
      const hit = armed.find((a) => a.pathPrefix === undefined || path.startsWith(a.pathPrefix));
      if (!hit) return undefined;
      hit.remaining -= 1;
      if (hit.remaining <= 0) armed = armed.filter((a) => a !== hit);
      return hit.fault;
    },
    clear() {
      armed = [];
    },
    size: () => armed.length,
  };
}
