// Writes the translator's statuses to the status subresource (leader only). JSON merge patch
// carrying the resourceVersion it was computed from, so a concurrent writer makes it fail with
// 409 instead of being overwritten; on 409 the object is read again and the merge recomputed.
// No-op writes are skipped: the live status is compared ignoring lastTransitionTime. Objects
// deleted meanwhile (404) are ignored. Routes that no longer attach to our Gateways lose only
// OUR parents[] entries.
import type { Logger } from "../../../gateway/src/log.ts";
import type { ObjectStatus } from "../core/types.ts";
import type { OperatorMetrics } from "../metrics.ts";
import type { KubeClient } from "../sources/kubernetes/client.ts";
import {
  AI_ROUTE,
  BACKEND,
  GATEWAY,
  GATEWAY_CLASS,
  HTTP_ROUTE,
  type KindSpec,
  objectPath,
  POLICY,
} from "../sources/kubernetes/kinds.ts";
import { isRecord, keyOf, refOf } from "../sources/kubernetes/object-meta.ts";
import { canonicalJson } from "./canonical-hash.ts";
import { conditionEvents } from "./condition-events.ts";
import { describeError } from "./errors.ts";
import type { EventRecorder } from "./event-recorder.ts";
import { desiredStatus, statusEquivalent, statusPatch, withoutOurParents } from "./status-merge.ts";

const MAX_ATTEMPTS = 5;
const CONCURRENCY = 8;

const SPECS: Record<ObjectStatus["kind"], KindSpec> = {
  GatewayClass: GATEWAY_CLASS,
  Gateway: GATEWAY,
  AIRoute: AI_ROUTE,
  HTTPRoute: HTTP_ROUTE,
  AgentgatewayBackend: BACKEND,
  AgentgatewayPolicy: POLICY,
};

export interface StatusCache {
  get(kind: string, namespace: string | undefined, name: string): unknown;
  list(kind: string): unknown[];
  upsert(kind: string, obj: unknown): void;
}

export interface StatusWriterOptions {
  client: KubeClient;
  cache: StatusCache;
  controllerName: string;
  log: Logger;
  metrics: OperatorMetrics;
  /** Records an Event per condition transition a write makes (optional). */
  events?: EventRecorder;
  now?: () => Date;
}

export interface SyncResult {
  written: number;
  failed: number;
}

type Compute = (liveStatus: unknown, now: string) => Record<string, unknown> | undefined;

interface Job {
  kind: ObjectStatus["kind"];
  namespace: string | undefined;
  name: string;
  compute: Compute;
  /** JSON of the translator status (deterministic key order); absent for stale-route cleanups. */
  target?: string;
}

/** Per-object backoff of failed status writes: 500 ms, doubling, at most 30 s. */
const BACKOFF_BASE_MS = 500;
const BACKOFF_CAP_MS = 30_000;

export class StatusWriter {
  readonly #opts: StatusWriterOptions;
  /** What we last wrote per object and the resourceVersion it produced (defaulting-proof skip). */
  readonly #lastWritten = new Map<string, { resourceVersion: string; status: string }>();
  /**
   * Per object: the live resourceVersion at which it was found (or made) up to date with a target.
   * The same target against the same live object is skipped without recomputing the merge, so an
   * unchanged world costs one string compare per object, not a merge and two canonical JSONs.
   */
  readonly #settled = new Map<string, { resourceVersion: string; target: string }>();

  /** Objects whose writes failed: not tried again before `until` (doubling, capped). */
  readonly #backoff = new Map<string, { failures: number; until: number }>();

  constructor(opts: StatusWriterOptions) {
    this.#opts = opts;
  }

  #nowMs(): number {
    return (this.#opts.now?.() ?? new Date()).getTime();
  }

  /** Forget what was written (e.g. after regaining leadership): compare with live objects only. */
  reset(): void {
    this.#lastWritten.clear();
    this.#settled.clear();
    this.#backoff.clear();
  }

  /** `log`: the reconcile's logger (its lines carry the reconcile id); default the writer's own. */
  async sync(statuses: readonly ObjectStatus[], log: Logger = this.#opts.log): Promise<SyncResult> {
    const jobs = [...statuses.map((s) => this.#job(s)), ...this.#staleRouteJobs(statuses)];
    const result: SyncResult = { written: 0, failed: 0 };
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) {
        const job = jobs[next++];
        if (!job) break;
        const id = `${job.kind}/${keyOf(job.namespace, job.name)}`;
        const wait = this.#backoff.get(id);
        if (wait && wait.until > this.#nowMs()) {
          // per-object backoff: this object's writes keep failing; the others go on meanwhile
          result.failed += 1;
          continue;
        }
        const outcome = await this.#apply(job, log);
        if (outcome === "written") result.written += 1;
        if (outcome === "failed") {
          result.failed += 1;
          const failures = (wait?.failures ?? 0) + 1;
          this.#backoff.set(id, {
            failures,
            until: this.#nowMs() + Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1)),
          });
        } else this.#backoff.delete(id);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobs.length) }, worker));
    return result;
  }

  #job(target: ObjectStatus): Job {
    const { controllerName } = this.#opts;
    return {
      kind: target.kind,
      namespace: target.namespace,
      name: target.name,
      compute: (live, now) => desiredStatus(target, live, controllerName, now),
      target: JSON.stringify(target.status),
    };
  }

  /** Routes with our parents[] entries that the translator no longer gives a status for. */
  #staleRouteJobs(statuses: readonly ObjectStatus[]): Job[] {
    const wanted = new Set(statuses.map((s) => `${s.kind}/${keyOf(s.namespace, s.name)}`));
    const jobs: Job[] = [];
    for (const kind of ["AIRoute", "HTTPRoute"] as const) {
      for (const obj of this.#opts.cache.list(kind)) {
        const ref = refOf(obj);
        if (!ref || wanted.has(`${kind}/${keyOf(ref.namespace, ref.name)}`)) continue;
        const status = isRecord(obj) ? obj.status : undefined;
        if (!withoutOurParents(status, this.#opts.controllerName)) continue;
        jobs.push({
          kind,
          namespace: ref.namespace,
          name: ref.name,
          compute: (live) => withoutOurParents(live, this.#opts.controllerName),
        });
      }
    }
    return jobs;
  }

  async #apply(job: Job, log: Logger): Promise<"written" | "skipped" | "failed"> {
    const { cache, client, metrics } = this.#opts;
    const spec = SPECS[job.kind];
    const id = `${job.kind}/${keyOf(job.namespace, job.name)}`;
    const objLog = { kind: job.kind, object: keyOf(job.namespace, job.name) };
    let live = cache.get(job.kind, job.namespace, job.name);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      if (!isRecord(live)) return "skipped";
      const rv = refOf(live)?.resourceVersion ?? "";
      const settled = this.#settled.get(id);
      if (job.target !== undefined && settled?.resourceVersion === rv && settled.target === job.target)
        return "skipped";
      // metav1.Time: RFC 3339 with second precision, as every Kubernetes controller writes it.
      const now = (this.#opts.now?.() ?? new Date()).toISOString().replace(/\.\d{3}Z$/, "Z");
      const desired = job.compute(live.status, now);
      if (!desired || this.#unchanged(id, rv, live.status, desired)) {
        this.#settle(id, rv, job.target);
        return "skipped";
      }
      const path = `${objectPath(spec, job.namespace, job.name)}/status`;
      try {
        const res = await client.request("PATCH", path, {
          contentType: "application/merge-patch+json",
          body: { metadata: { resourceVersion: rv }, status: statusPatch(job.kind, live.status, desired) },
        });
        if (res.status === 404) return "skipped";
        if (res.status === 409) {
          metrics.statusWrites.inc({ kind: job.kind, result: "conflict" });
          log.debug({ ...objLog, attempt }, "status conflict; re-reading");
          const fresh = await client.request("GET", objectPath(spec, job.namespace, job.name));
          if (fresh.status === 404) return "skipped";
          live = fresh.body;
          continue;
        }
        if (res.status >= 400 && res.status < 500 && res.status !== 429) {
          // terminal: the API server refuses this status (e.g. 422 invalid, 403 forbidden); retrying
          // the same write cannot succeed, so it is settled until the target or the object changes
          metrics.statusWrites.inc({ kind: job.kind, result: "refused" });
          log.error({ ...objLog, status: res.status }, "status write refused by the API server; not retried");
          this.#settle(id, rv, job.target);
          return "skipped";
        }
        if (res.status < 200 || res.status > 299) throw new Error(`PATCH ${path}: HTTP ${res.status}`);
        const written = refOf(res.body)?.resourceVersion ?? "";
        this.#lastWritten.set(id, { resourceVersion: written, status: canonicalJson(stripTimes(desired)) });
        this.#settle(id, written, job.target);
        cache.upsert(job.kind, res.body);
        metrics.statusWrites.inc({ kind: job.kind, result: "ok" });
        log.info(objLog, "status written");
        const writtenStatus = isRecord(res.body) ? res.body.status : desired;
        void this.#opts.events?.record(
          res.body,
          conditionEvents(live.status, writtenStatus, this.#opts.controllerName),
        );
        return "written";
      } catch (err) {
        metrics.statusWrites.inc({ kind: job.kind, result: "error" });
        log.warn({ ...objLog, err: describeError(err) }, "status write failed");
        return "failed";
      }
    }
    log.warn(objLog, "status write gave up after repeated conflicts");
    return "failed";
  }

  #settle(id: string, resourceVersion: string, target: string | undefined): void {
    if (target === undefined || resourceVersion === "") this.#settled.delete(id);
    else this.#settled.set(id, { resourceVersion, target });
  }

  #unchanged(id: string, rv: string, live: unknown, desired: Record<string, unknown>): boolean {
    if (statusEquivalent(live, desired)) return true;
    const last = this.#lastWritten.get(id);
    return (
      last !== undefined && last.resourceVersion === rv && last.status === canonicalJson(stripTimes(desired))
    );
  }
}

function stripTimes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripTimes);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== "lastTransitionTime") out[k] = stripTimes(v);
  return out;
}
