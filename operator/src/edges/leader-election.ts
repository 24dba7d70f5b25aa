// Leader election on a coordination.k8s.io/v1 Lease, the way client-go does it: the holder
// renews every retry period; a candidate takes the Lease only when its record has not changed
// for a whole lease duration as observed by the candidate's own clock (no cross-node clock
// comparison); a leader that cannot renew within the renew deadline steps down. Optimistic
// concurrency (resourceVersion) decides races. stop() releases the Lease (empty holder) so a
// successor does not wait for it to expire.
import type { Logger } from "../../../gateway/src/log.ts";
import { sleep } from "../sources/backoff.ts";
import type { KubeClient } from "../sources/kubernetes/client.ts";
import { isRecord } from "../sources/kubernetes/object-meta.ts";
import { describeError } from "./errors.ts";

export const LEASE_NAME = "ai-gateway-operator";

export interface LeaderElectorOptions {
  client: KubeClient;
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
      const ok = await this.#tryAcquireOrRenew();
      if (signal.aborted) break;
      const now = Date.now();
      if (ok) {
        this.#lastRenew = now;
        if (!this.#leader) this.#setLeader(true);
      } else if (this.#leader && now - this.#lastRenew > this.#opts.renewDeadlineMs) {
        this.#opts.log.warn({ lease: this.#leaseKey() }, "could not renew the lease in time; stepping down");
        this.#setLeader(false);
      }
      await sleep(this.#opts.retryPeriodMs, signal);
    }
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

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { client, identity, leaseDurationMs } = this.#opts;
    try {
      const res = await client.request("GET", this.#path());
      const now = microTime(new Date());
      if (res.status === 404) {
        const created = await client.request("POST", this.#collection(), {
          body: this.#lease({
            holderIdentity: identity,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: 0,
          }),
        });
        return created.status === 201;
      }
      if (res.status !== 200 || !isRecord(res.body)) return false;
      const spec: LeaseSpec = isRecord(res.body.spec) ? (res.body.spec as LeaseSpec) : {};
      const rv = isRecord(res.body.metadata) ? res.body.metadata.resourceVersion : undefined;
      const holder = spec.holderIdentity ?? "";
      this.#observe(spec);
      const heldByOther = holder !== "" && holder !== identity;
      // Someone else holds it while we think we lead: step down at the next check.
      if (heldByOther && this.#leader) this.#lastRenew = 0;
      const observedAt = this.#observed?.at ?? Date.now();
      if (heldByOther && observedAt + leaseDurationMs > Date.now()) return false;
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
      const updated = await client.request("PUT", this.#path(), { body: next });
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
    try {
      const res = await this.#opts.client.request("GET", this.#path());
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
      await this.#opts.client.request("PUT", this.#path(), { body: released });
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
