// All informers of the operator, and the cluster as plain objects for the translator.
//
// Secrets: Kubernetes cannot select Secrets by "referenced from somewhere", so the Secret
// informer watches all Secrets cluster-wide but KEEPS in memory only those referenced by a
// backend, route or Gateway (see references.ts); names of the others are remembered without
// their data so that a new reference triggers one relist. Services: only those named like a
// Gateway (their status gives the Gateway's addresses). ConfigMaps: only those AgentgatewayPolicies
// take prices from (pricesFrom) and AgentgatewayBackends take CA bundles from (policies.tls). The filters are recomputed on every
// change of the referring objects.
import type { Logger } from "../../../../gateway/src/log.ts";
import type { KubeClient } from "./client.ts";
import { Informer, type ObjectChange } from "./informer.ts";
import {
  BACKEND,
  CONFIG_MAP,
  GATEWAY,
  type KindSpec,
  POLICY,
  SECRET,
  SERVICE,
  WATCHED_KINDS,
} from "./kinds.ts";
import { keyOf } from "./object-meta.ts";
import { ReferencedSecrets } from "./referenced-secrets.ts";
import { gatewayKeys, referencedConfigMaps } from "./references.ts";
import { translationInput } from "./translation-input.ts";

/** Kinds whose objects may reference Secrets (see references.ts). */
const SECRET_REFERRING = new Set(["AgentgatewayBackend", "AIRoute", "HTTPRoute", "Gateway"]);

export interface ClusterCacheOptions {
  client: KubeClient;
  log: Logger;
  onChange: () => void;
  kinds?: readonly KindSpec[];
}

export class ClusterCache {
  readonly #informers = new Map<string, Informer>();
  readonly #secrets = new ReferencedSecrets();
  /** Held object → its translation input: the same input object while the held one is unchanged. */
  readonly #inputs = new WeakMap<object, unknown>();
  #services = new Set<string>();
  /** ConfigMaps policies take prices from and backends take CAs from: the only ones kept. */
  #configMaps = new Set<string>();

  constructor(opts: ClusterCacheOptions) {
    for (const spec of opts.kinds ?? WATCHED_KINDS) {
      const keep = this.#filterFor(spec);
      const informer = new Informer(opts.client, spec, {
        log: opts.log,
        onChange: (change) => {
          this.#refreshFilters(spec, change);
          opts.onChange();
        },
        ...(keep ? { keep } : {}),
      });
      this.#informers.set(spec.kind, informer);
    }
  }

  start(): void {
    for (const informer of this.#informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#informers.values()].map((i) => i.stop()));
  }

  /** True once every informer completed its first list. */
  get synced(): boolean {
    return [...this.#informers.values()].every((i) => i.synced);
  }

  /** Kinds not yet listed, for /readyz. */
  unsyncedKinds(): string[] {
    return [...this.#informers.values()].filter((i) => !i.synced).map((i) => i.spec.kind);
  }

  get(kind: string, namespace: string | undefined, name: string): unknown {
    return this.#informers.get(kind)?.get(namespace, name);
  }

  list(kind: string): unknown[] {
    return this.#informers.get(kind)?.list() ?? [];
  }

  upsert(kind: string, obj: unknown): void {
    this.#informers.get(kind)?.upsert(obj);
  }

  /**
   * Every held object as the translator should see it (our own status stripped). An object that
   * did not change since the last call is returned as the SAME (frozen-by-convention) object, so
   * callers can cache work per object identity.
   */
  translationObjects(): unknown[] {
    const out: unknown[] = [];
    for (const informer of this.#informers.values()) {
      for (const [, obj] of informer.entries()) out.push(this.#inputOf(obj));
    }
    return out;
  }

  #inputOf(obj: unknown): unknown {
    if (typeof obj !== "object" || obj === null) return obj;
    let input = this.#inputs.get(obj);
    if (input === undefined) {
      input = translationInput(obj);
      this.#inputs.set(obj, input);
    }
    return input;
  }

  #filterFor(spec: KindSpec): ((ns: string, name: string) => boolean) | undefined {
    if (spec === SECRET) return (ns, name) => this.#secrets.has(keyOf(ns, name));
    if (spec === SERVICE) return (ns, name) => this.#services.has(keyOf(ns, name));
    if (spec === CONFIG_MAP) return (ns, name) => this.#configMaps.has(keyOf(ns, name));
    return undefined;
  }

  /** Incremental: an object event re-reads that object only; a (re)list re-reads its kind. */
  #refreshFilters(spec: KindSpec, change: ObjectChange | undefined): void {
    if (SECRET_REFERRING.has(spec.kind)) {
      const informer = this.#informers.get(spec.kind);
      const changed = change
        ? this.#secrets.update(spec.kind, change)
        : this.#secrets.replaceKind(spec.kind, informer?.entries() ?? []);
      if (changed) this.#informers.get(SECRET.kind)?.refilter();
    }
    if (spec === POLICY || spec === BACKEND) {
      const configMaps = referencedConfigMaps([...this.list(POLICY.kind), ...this.list(BACKEND.kind)]);
      if (!sameSet(configMaps, this.#configMaps)) {
        this.#configMaps = configMaps;
        this.#informers.get(CONFIG_MAP.kind)?.refilter();
      }
    }
    if (spec !== GATEWAY) return;
    const services = gatewayKeys(this.list("Gateway"));
    if (!sameSet(services, this.#services)) {
      this.#services = services;
      this.#informers.get(SERVICE.kind)?.refilter();
    }
  }
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
