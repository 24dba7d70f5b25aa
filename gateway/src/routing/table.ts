// The compiled route table of one snapshot: gateway port → listeners by hostname → route buckets by
// the most specific matching route hostname → path index. A request narrows to ONE listener and ONE
// hostname bucket (no fallback to less specific ones), then takes the first entry in snapshot
// (precedence) order whose path, headers and model glob match. Within a path key, entries are
// indexed by their first Exact header match (header-index.ts).
import type { ListenerConfig, RouteConfig, RouteMatch } from "../snapshot/schema.ts";
import type { HeaderKey } from "./header-index.ts";
import { HostIndex } from "./host-index.ts";
import {
  compileHeaderMatchers,
  compileModelGlob,
  type HeaderLookup,
  type HeaderMatcher,
  type ModelMatcher,
} from "./matchers.ts";
import { PathIndex } from "./path-index.ts";

export interface RouteEntry {
  order: number;
  route: RouteConfig;
  headers: HeaderMatcher[];
  model: ModelMatcher | undefined;
}

interface ListenerIndex {
  listener: ListenerConfig;
  hosts: HostIndex<PathIndex<RouteEntry>>;
}

export interface RouteQuery {
  /** The Gateway listener port the request arrived on (before --port-map). */
  port: number;
  /** Normalized host (see normalizeHost). */
  host: string;
  /** Path without query string. */
  path: string;
  header: HeaderLookup;
}

export type Selection =
  | { kind: "route"; listener: ListenerConfig; entry: RouteEntry }
  /** The first candidate has a model glob: read the body, then select again with the model. */
  | { kind: "need-model"; listener: ListenerConfig }
  | { kind: "none"; listener: ListenerConfig | undefined };

export class RouteTable {
  readonly #ports = new Map<number, HostIndex<ListenerIndex>>();
  readonly routeIds: ReadonlySet<string>;
  readonly size: number;

  constructor(listeners: readonly ListenerConfig[], routes: readonly RouteConfig[]) {
    const byName = new Map<string, ListenerIndex>();
    for (const l of listeners) {
      let hostIdx = this.#ports.get(l.port);
      if (!hostIdx) {
        hostIdx = new HostIndex<ListenerIndex>();
        this.#ports.set(l.port, hostIdx);
      }
      const idx: ListenerIndex = { listener: l, hosts: new HostIndex() };
      hostIdx.getOrCreate(l.hostname, () => idx);
      byName.set(l.name, idx);
    }
    const ids = new Set<string>();
    routes.forEach((route, order) => {
      ids.add(route.id);
      const entry: RouteEntry = {
        order,
        route,
        headers: compileHeaderMatchers(route.match.headers),
        model: route.match.model === undefined ? undefined : compileModelGlob(route.match.model),
      };
      const headerKey = firstExactHeader(route.match.headers);
      for (const name of route.listeners) {
        const idx = byName.get(name);
        if (!idx) continue;
        const hostnames = route.hostnames.length > 0 ? route.hostnames : [undefined];
        for (const h of hostnames)
          idx.hosts.getOrCreate(h, () => new PathIndex()).add(route.match.path, entry, headerKey);
      }
    });
    this.routeIds = ids;
    this.size = routes.length;
  }

  /** Listener ports the snapshot declares. */
  ports(): number[] {
    return [...this.#ports.keys()];
  }

  /**
   * Select the route for a request. `model` is the body's model, or `null` while the body has not
   * been read (the answer is then "need-model" when a model glob decides).
   */
  select(q: RouteQuery, model: string | undefined | null): Selection {
    const idx = this.#ports.get(q.port)?.lookup(q.host);
    if (!idx) return { kind: "none", listener: undefined };
    const bucket = idx.hosts.lookup(q.host);
    if (!bucket) return { kind: "none", listener: idx.listener };
    for (const entry of bucket.candidates(q.path, q.header)) {
      if (!entry.headers.every((m) => m(q.header))) continue;
      if (entry.model !== undefined) {
        if (model === null) return { kind: "need-model", listener: idx.listener };
        if (!entry.model(model)) continue;
      }
      return { kind: "route", listener: idx.listener, entry };
    }
    return { kind: "none", listener: idx.listener };
  }
}

/** The route's first Exact header match (the key of the header index), name lower-cased. */
function firstExactHeader(headers: RouteMatch["headers"]): HeaderKey | undefined {
  const h = headers?.find((m) => m.type === "Exact");
  return h === undefined ? undefined : { name: h.name.toLowerCase(), value: h.value };
}
