// All informers of the operator, and the cluster as plain objects for the translator.
//
// Secrets: Kubernetes cannot select Secrets by "referenced from somewhere", so the Secret
// informer watches all Secrets cluster-wide but KEEPS in memory only those referenced by a
// backend, route or Gateway (see references.ts); names of the others are remembered without
// their data so that a new reference triggers one relist. Services: only those named like a
// Gateway (their status gives the Gateway's addresses). Both filters are recomputed on every
// change of the referring objects.
import type { Logger } from "../../../../gateway/src/log.ts";
import type { KubeClient } from "./client.ts";
import { Informer } from "./informer.ts";
import { type KindSpec, SECRET, SERVICE, WATCHED_KINDS } from "./kinds.ts";
import { keyOf } from "./object-meta.ts";
import { gatewayKeys, referencedSecrets } from "./references.ts";
import { translationInput } from "./translation-input.ts";

export interface ClusterCacheOptions {
  client: KubeClient;
  log: Logger;
  onChange: () => void;
  kinds?: readonly KindSpec[];
}

export class ClusterCache {
  readonly #informers = new Map<string, Informer>();
  #secrets = new Set<string>();
  #services = new Set<string>();

  constructor(opts: ClusterCacheOptions) {
    for (const spec of opts.kinds ?? WATCHED_KINDS) {
      const keep = this.#filterFor(spec);
      const informer = new Informer(opts.client, spec, {
        log: opts.log,
        onChange: () => {
          if (spec !== SECRET && spec !== SERVICE) this.#refreshFilters();
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

  /** Every held object as the translator should see it (our own status stripped). */
  translationObjects(): unknown[] {
    const out: unknown[] = [];
    for (const informer of this.#informers.values()) {
      for (const obj of informer.list()) out.push(translationInput(obj));
    }
    return out;
  }

  #filterFor(spec: KindSpec): ((ns: string, name: string) => boolean) | undefined {
    if (spec === SECRET) return (ns, name) => this.#secrets.has(keyOf(ns, name));
    if (spec === SERVICE) return (ns, name) => this.#services.has(keyOf(ns, name));
    return undefined;
  }

  #refreshFilters(): void {
    const referring = ["AgentgatewayBackend", "AIRoute", "HTTPRoute", "Gateway"].flatMap((k) => this.list(k));
    const secrets = referencedSecrets(referring);
    const services = gatewayKeys(this.list("Gateway"));
    if (!sameSet(secrets, this.#secrets)) {
      this.#secrets = secrets;
      this.#informers.get(SECRET.kind)?.refilter();
    }
    if (!sameSet(services, this.#services)) {
      this.#services = services;
      this.#informers.get(SERVICE.kind)?.refilter();
    }
  }
}

function sameSet(a: Set<string>, b: Set<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}
