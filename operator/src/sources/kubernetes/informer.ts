// One kind, cluster-wide: LIST (paginated) then WATCH from the list's resourceVersion with
// bookmarks; on a clean end of the stream, watch again from the last seen resourceVersion; on
// 410 Gone (or an ERROR event saying so), a full relist; on any other failure, reconnect after a
// capped, jittered backoff. It never throws out of its loop and never exits the process.
// (client-node's ListWatch was not used: on any error other than 410 it calls its error handlers
// and stops watching for good, and it never asks for bookmarks.)
//
// Objects live in memory by "<namespace>/<name>". An optional `keep` filter limits what is held
// (Secrets: only referenced ones; Services: only those named like a Gateway): the informer then
// still remembers the NAMES of everything it saw, so when the filter widens to an object it
// dropped, refilter() relists once to fetch it. Values of dropped objects are never retained.
import type { Logger } from "../../../../gateway/src/log.ts";
import { describeError, isKubeStatus, KubeApiError } from "../../edges/errors.ts";
import { Backoff, sleep } from "../backoff.ts";
import type { KubeClient } from "./client.ts";
import type { KindSpec } from "./kinds.ts";
import { isRecord, keyOf, refOf } from "./object-meta.ts";

const PAGE_SIZE = 500;

/** How often an optional kind whose CRD is missing is looked for again. */
const ABSENT_RELIST_MS = 30_000;

/** One held object changed: its key and new value (undefined when it is no longer held). */
export interface ObjectChange {
  key: string;
  object: unknown;
}

export interface InformerOptions {
  log: Logger;
  /**
   * Called after every change of the held objects (and once when first synced): with the one
   * object that changed, or without argument when any number of them may have (list, refilter).
   */
  onChange: (change?: ObjectChange) => void;
  keep?: (namespace: string, name: string) => boolean;
  backoff?: { baseMs: number; capMs: number };
  /** Server-side watch timeout range in seconds (randomized to spread reconnects). */
  watchTimeoutSeconds?: [number, number];
}

export class Informer {
  readonly spec: KindSpec;
  readonly #client: KubeClient;
  readonly #opts: InformerOptions;
  readonly #backoff: Backoff;
  #objects = new Map<string, unknown>();
  /** Every key seen (also dropped ones), for refilter(). */
  #seen = new Set<string>();
  #resourceVersion = "";
  #needList = true;
  #synced = false;
  /** A relist for a widened filter is pending: what is held may lack wanted objects. */
  #stale = false;
  #stopping = new AbortController();
  #watchAbort: AbortController | undefined;
  #watchError: Error | undefined;
  #loop: Promise<void> | undefined;

  constructor(client: KubeClient, spec: KindSpec, opts: InformerOptions) {
    this.spec = spec;
    this.#client = client;
    this.#opts = opts;
    this.#backoff = new Backoff(opts.backoff ?? { baseMs: 250, capMs: 8_000 });
  }

  /** First list done, and no relist for a widened filter pending. */
  get synced(): boolean {
    return this.#synced && !this.#stale;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    this.#watchAbort?.abort();
    await this.#loop;
  }

  list(): unknown[] {
    return [...this.#objects.values()];
  }

  /** Held objects by "<namespace>/<name>" (live view: do not hold on to it across awaits). */
  entries(): IterableIterator<[string, unknown]> {
    return this.#objects.entries();
  }

  get(namespace: string | undefined, name: string): unknown {
    return this.#objects.get(keyOf(namespace, name));
  }

  /** Store a newer copy we got from a write (e.g. a status PATCH response). */
  upsert(obj: unknown): void {
    const ref = refOf(obj);
    if (!ref) return;
    const key = keyOf(ref.namespace, ref.name);
    if (!this.#objects.has(key)) return;
    this.#objects.set(key, this.#normalize(obj));
  }

  /** Re-apply `keep`: drop what it no longer wants; relist if it now wants something dropped. */
  refilter(): void {
    const keep = this.#opts.keep;
    if (!keep) return;
    let dropped = false;
    for (const [key, obj] of this.#objects) {
      const ref = refOf(obj);
      if (ref && !keep(ref.namespace, ref.name)) {
        this.#objects.delete(key);
        dropped = true;
      }
    }
    const missing = [...this.#seen].some((key) => !this.#objects.has(key) && keep(...splitKey(key)));
    if (missing) {
      this.#opts.log.debug({ kind: this.spec.kind }, "filter widened; relisting");
      this.#needList = true;
      this.#stale = true;
      this.#watchAbort?.abort();
    }
    if (dropped) this.#opts.onChange();
  }

  async #run(): Promise<void> {
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      try {
        if (this.#needList) {
          await this.#list();
          continue;
        }
        const started = Date.now();
        await this.#watch();
        // A stream that ends at once without error (a proxy or server closing early) must not spin.
        if (Date.now() - started < 1_000 && !this.#needList) await sleep(this.#backoff.next(), signal);
      } catch (err) {
        if (signal.aborted) break;
        if (this.spec.optional && isKubeStatus(err, 404)) {
          // The kind's CRD is not installed (yet): nothing of it exists; look again later.
          this.#markAbsent();
          await sleep(ABSENT_RELIST_MS, signal);
          this.#needList = true;
          continue;
        }
        if (isKubeStatus(err, 410)) {
          this.#opts.log.info({ kind: this.spec.kind }, "resourceVersion expired; relisting");
          this.#needList = true;
          continue;
        }
        const delay = this.#backoff.next();
        this.#opts.log.warn(
          { kind: this.spec.kind, err: describeError(err), retryInMs: delay },
          "list/watch failed; retrying",
        );
        await sleep(delay, signal);
      }
    }
  }

  #markAbsent(): void {
    const changed = !this.#synced || this.#objects.size > 0;
    if (!this.#synced)
      this.#opts.log.info({ kind: this.spec.kind }, "kind not served (CRD missing); treated as empty");
    this.#objects = new Map();
    this.#seen = new Set();
    this.#synced = true;
    this.#stale = false;
    this.#needList = true;
    if (changed) this.#opts.onChange();
  }

  async #list(): Promise<void> {
    this.#needList = false;
    const objects = new Map<string, unknown>();
    const seen = new Set<string>();
    let cont: string | undefined;
    let resourceVersion = "";
    do {
      const body = await this.#client.call("GET", this.spec.path, {
        query: { limit: String(PAGE_SIZE), continue: cont },
      });
      if (!isRecord(body) || !Array.isArray(body.items)) throw new Error(`${this.spec.kind} list: bad body`);
      for (const item of body.items) this.#take(objects, seen, item);
      const meta = isRecord(body.metadata) ? body.metadata : {};
      resourceVersion = typeof meta.resourceVersion === "string" ? meta.resourceVersion : "";
      cont = typeof meta.continue === "string" && meta.continue !== "" ? meta.continue : undefined;
    } while (cont);
    this.#objects = objects;
    this.#seen = seen;
    this.#resourceVersion = resourceVersion;
    this.#backoff.reset();
    const first = !this.#synced;
    this.#synced = true;
    if (!this.#needList) this.#stale = false;
    this.#opts.log.info({ kind: this.spec.kind, count: objects.size, first }, "listed");
    this.#opts.onChange();
  }

  async #watch(): Promise<void> {
    const [lo, hi] = this.#opts.watchTimeoutSeconds ?? [240, 360];
    const timeoutSeconds = Math.round(lo + Math.random() * (hi - lo));
    const abort = new AbortController();
    this.#watchAbort = abort;
    const onStop = () => abort.abort();
    this.#stopping.signal.addEventListener("abort", onStop, { once: true });
    try {
      await this.#client.watch(this.spec.path, {
        query: {
          resourceVersion: this.#resourceVersion,
          allowWatchBookmarks: "true",
          timeoutSeconds: String(timeoutSeconds),
        },
        idleTimeoutMs: (timeoutSeconds + 60) * 1000,
        signal: abort.signal,
        onEvent: (event) => this.#onEvent(event),
        onMalformed: (bytes) =>
          this.#opts.log.warn({ kind: this.spec.kind, bytes }, "malformed watch event skipped"),
      });
    } finally {
      this.#stopping.signal.removeEventListener("abort", onStop);
      this.#watchAbort = undefined;
    }
    const err = this.#watchError;
    this.#watchError = undefined;
    if (err) throw err;
  }

  #onEvent(event: unknown): void {
    if (!isRecord(event)) return;
    const { type, object } = event;
    if (type === "ERROR") {
      const code = isRecord(object) ? object.code : undefined;
      const reason = isRecord(object) && typeof object.reason === "string" ? object.reason : "";
      if (code === 410) this.#needList = true;
      else this.#watchError = new KubeApiError("WATCH", this.spec.path, Number(code) || 500, reason);
      this.#watchAbort?.abort();
      return;
    }
    if (type === "BOOKMARK") {
      // A bookmark's object has only metadata.resourceVersion (no name): read it directly.
      const meta = isRecord(object) && isRecord(object.metadata) ? object.metadata : undefined;
      if (typeof meta?.resourceVersion === "string" && meta.resourceVersion !== "")
        this.#resourceVersion = meta.resourceVersion;
      this.#backoff.reset();
      return;
    }
    const ref = refOf(object);
    if (!ref) return;
    if (ref.resourceVersion) this.#resourceVersion = ref.resourceVersion;
    this.#backoff.reset();
    const key = keyOf(ref.namespace, ref.name);
    if (type === "DELETED") {
      this.#seen.delete(key);
      if (this.#objects.delete(key)) this.#opts.onChange({ key, object: undefined });
      return;
    }
    if (type !== "ADDED" && type !== "MODIFIED") return;
    this.#seen.add(key);
    const keep = this.#opts.keep;
    if (keep && !keep(ref.namespace, ref.name)) {
      if (this.#objects.delete(key)) this.#opts.onChange({ key, object: undefined });
      return;
    }
    const held = this.#normalize(object);
    this.#objects.set(key, held);
    this.#opts.onChange({ key, object: held });
  }

  #take(objects: Map<string, unknown>, seen: Set<string>, item: unknown): void {
    const ref = refOf(item);
    if (!ref) return;
    const key = keyOf(ref.namespace, ref.name);
    seen.add(key);
    const keep = this.#opts.keep;
    if (keep && !keep(ref.namespace, ref.name)) return;
    objects.set(key, this.#normalize(item));
  }

  /** List items lack apiVersion/kind; managedFields are large and unused. */
  #normalize(obj: unknown): unknown {
    if (!isRecord(obj)) return obj;
    const metadata = isRecord(obj.metadata) ? { ...obj.metadata } : {};
    delete metadata.managedFields;
    return { ...obj, apiVersion: this.spec.apiVersion, kind: this.spec.kind, metadata };
  }
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf("/");
  return i < 0 ? ["", key] : [key.slice(0, i), key.slice(i + 1)];
}
