// Leader election on a coordination.k8s.io/v1 Lease, the way client-go does it: the holder
// renews every retry period; a candidate takes the Lease only when its record has not changed
// for a whole lease duration as observed by the candidate's own clock (no cross-node clock
// comparison); a leader that cannot renew within the renew deadline steps down. Optimistic
// concurrency (resourceVersion) decides races. stop() releases the Lease (empty holder) so a
// successor does not wait for it to expire.
//
// Every Lease request is bounded: a leader's renewal is aborted when its renew deadline passes,
// and a watchdog steps the leader down at that moment even if the request never returns (a hung
// API server must not keep an old leader acting). Expiry of another holder's record uses the
// record's own leaseDurationSeconds. A Lease that cannot be created (its namespace is missing,
// RBAC forbids it) is logged as an error, repeated at most every ERROR_REPEAT_MS, and retried.
import type { Logger } from "../../../gateway/src/log.ts";
import { sleep } from "../sources/backoff.ts";
import type { KubeClient } from "../sources/kubernetes/client.ts";
import { isRecord } from "../sources/kubernetes/object-meta.ts";
import { describeError } from "./errors.ts";

export const LEASE_NAME = "ai-gateway-operator";
const ERROR_REPEAT_MS = 30_000;

/** The one call the elector makes: the real KubeClient, or a fake in unit tests. */
export type LeaseClient = Pick<KubeClient, "request">;

export interface LeaderElectorOptions {
  client: LeaseClient;
  log: Logger;
  namespace: string;
  identity: string;
  name?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export class LeaderElector {
  readonly #opts: Required<Omit<LeaderElectorOptions, "onStartedLeading" | "onStoppedLeading">> &
    LeaderElectorOptions;
  readonly #stop = new AbortController();
  #leader = false;
  #lastRenew = 0;
  #observed: { record: string; at: number } | undefined;
  #loop: Promise<void> | undefined;
  #lastComplaint: { what: string; at: number } | undefined;

  constructor(opts: LeaderElectorOptions) {
    this.#opts = {
      name: LEASE_NAME,
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      ...opts,
    };
  }

  get isLeader(): boolean {
    return this.#leader;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stop campaigning; a leader releases the Lease. */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.#loop;
    if (this.#leader) {
      await this.#release();
      this.#setLeader(false);
    }
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      // A leader has until its renew deadline; a candidate gets one renew deadline per attempt.
      const budget = this.#leader
        ? Math.max(1, this.#lastRenew + this.#opts.renewDeadlineMs - Date.now())
        : this.#opts.renewDeadlineMs;
      const attempt = AbortSignal.any([signal, AbortSignal.timeout(budget)]);
      const watchdog = this.#leader ? setTimeout(() => this.#stepDownIfLate(), budget) : undefined;
      const ok = await this.#tryAcquireOrRenew(attempt);
      clearTimeout(watchdog);
      if (signal.aborted) break;
      if (ok && !attempt.aborted) {
        this.#lastRenew = Date.now();
        if (!this.#leader) this.#setLeader(true);
      } else this.#stepDownIfLate();
      await sleep(this.#opts.retryPeriodMs, signal);
    }
  }

  #stepDownIfLate(): void {
    if (!this.#leader || Date.now() - this.#lastRenew < this.#opts.renewDeadlineMs) return;
    this.#opts.log.warn({ lease: this.#leaseKey() }, "could not renew the lease in time; stepping down");
    this.#setLeader(false);
  }

  /** An error that would otherwise repeat every retry period: logged when new, then every 30 s. */
  #complain(what: string, fields: Record<string, unknown>): void {
    const now = Date.now();
    const last = this.#lastComplaint;
    if (last && last.what === what && now - last.at < ERROR_REPEAT_MS) return;
    this.#lastComplaint = { what, at: now };
    this.#opts.log.error({ lease: this.#leaseKey(), ...fields }, what);
  }

  #setLeader(leader: boolean): void {
    this.#leader = leader;
    this.#opts.log.info(
      { lease: this.#leaseKey(), identity: this.#opts.identity, leader },
      "leadership changed",
    );
    if (leader) this.#opts.onStartedLeading();
    else this.#opts.onStoppedLeading();
  }

  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const { client, identity, leaseDurationMs } = this.#opts;
    try {
      const res = await bounded(client.request("GET", this.#path(), { signal }), signal);
      const now = microTime(new Date());
      if (res.status === 404) {
        const created = await bounded(
          client.request("POST", this.#collection(), {
            signal,
            body: this.#lease({
              holderIdentity: identity,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            }),
          }),
          signal,
        );
        if (created.status === 404) {
          this.#complain(
            `cannot create the leader Lease: namespace "${this.#opts.namespace}" does not exist; create it (or pass --namespace); retrying`,
            { status: 404 },
          );
        } else if (created.status !== 201 && created.status !== 409) {
          this.#complain("cannot create the leader Lease; retrying", {
            status: created.status,
            reason: apiMessage(created.body),
          });
        }
        return created.status === 201;
      }
      if (res.status !== 200 || !isRecord(res.body)) {
        this.#complain("cannot read the leader Lease; retrying", {
          status: res.status,
          reason: apiMessage(res.body),
        });
        return false;
      }
      const spec: LeaseSpec = isRecord(res.body.spec) ? (res.body.spec as LeaseSpec) : {};
      const rv = isRecord(res.body.metadata) ? res.body.metadata.resourceVersion : undefined;
      const holder = spec.holderIdentity ?? "";
      this.#observe(spec);
      const heldByOther = holder !== "" && holder !== identity;
      // Someone else holds it while we think we lead: step down at the next check.
      if (heldByOther && this.#leader) this.#lastRenew = 0;
      const observedAt = this.#observed?.at ?? Date.now();
      // The holder's record says how long it is valid; our own setting only when it says nothing.
      const validMs =
        spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds > 0
          ? spec.leaseDurationSeconds * 1000
          : leaseDurationMs;
      if (heldByOther && observedAt + validMs > Date.now()) return false;
      const changingHands = holder !== identity;
      const next = this.#lease(
        {
          holderIdentity: identity,
          acquireTime: changingHands ? now : (spec.acquireTime ?? now),
          renewTime: now,
          leaseTransitions: (spec.leaseTransitions ?? 0) + (changingHands && holder !== "" ? 1 : 0),
        },
        typeof rv === "string" ? rv : undefined,
      );
      const updated = await bounded(client.request("PUT", this.#path(), { body: next, signal }), signal);
      return updated.status === 200;
    } catch (err) {
      this.#opts.log.warn({ lease: this.#leaseKey(), err: describeError(err) }, "lease request failed");
      return false;
    }
  }

  /** Remember when the Lease record last changed, by OUR clock. */
  #observe(spec: LeaseSpec): void {
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.acquireTime]);
    if (this.#observed?.record !== record) this.#observed = { record, at: Date.now() };
  }

  async #release(): Promise<void> {
    const signal = AbortSignal.timeout(this.#opts.renewDeadlineMs);
    try {
      const res = await bounded(this.#opts.client.request("GET", this.#path(), { signal }), signal);
      if (res.status !== 200 || !isRecord(res.body) || !isRecord(res.body.spec)) return;
      const spec = res.body.spec as LeaseSpec;
      if (spec.holderIdentity !== this.#opts.identity) return;
      const rv = isRecord(res.body.metadata) ? res.body.metadata.resourceVersion : undefined;
      const now = microTime(new Date());
      const released = this.#lease(
        {
          leaseDurationSeconds: 1,
          acquireTime: now,
          renewTime: now,
          leaseTransitions: spec.leaseTransitions ?? 0,
        },
        typeof rv === "string" ? rv : undefined,
      );
      await bounded(this.#opts.client.request("PUT", this.#path(), { body: released, signal }), signal);
      this.#opts.log.info({ lease: this.#leaseKey() }, "lease released");
    } catch (err) {
      this.#opts.log.warn({ lease: this.#leaseKey(), err: describeError(err) }, "lease release failed");
    }
  }

  #lease(spec: LeaseSpec, resourceVersion?: string) {
    return {
      apiVersion: "coordination.k8s.io/v1",
      kind: "Lease",
      metadata: {
        name: this.#opts.name,
        namespace: this.#opts.namespace,
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      spec: { leaseDurationSeconds: Math.ceil(this.#opts.leaseDurationMs / 1000), ...spec },
    };
  }

  #collection(): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.#opts.namespace)}/leases`;
  }

  #path(): string {
    return `${this.#collection()}/${encodeURIComponent(this.#opts.name)}`;
  }

  #leaseKey(): string {
    return `${this.#opts.namespace}/${this.#opts.name}`;
  }
}

/** metav1.MicroTime: RFC 3339 with exactly six fractional digits. */
export function microTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
}

/** The message of a Kubernetes Status body, for logs (never a secret: Lease requests carry none). */
function apiMessage(body: unknown): string | undefined {
  return isRecord(body) && typeof body.message === "string" ? body.message : undefined;
}

/** The request's answer, or a rejection as soon as `signal` aborts, even if the request ignores it. */
function bounded<T>(request: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error("lease request aborted: renew deadline passed"));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error("lease request aborted: renew deadline passed"));
    signal.addEventListener("abort", onAbort, { once: true });
    request.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}
