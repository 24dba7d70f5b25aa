// The reconcile loop: level-triggered, one global translation per coalesced burst of changes.
// Every change (watch event, proxy connect/ack, leadership change) only marks the world dirty;
// a run reads the whole cache, builds the ResourceSet, and when it (or the proxies' rejections)
// differs from the last run: translate → publish snapshots → (leader only) write statuses and
// provision proxies. Failed writes are retried with a capped backoff even if nothing changes.
import type { Logger } from "../../../gateway/src/log.ts";
import { resourceSetFromObjects } from "../core/resource-set.ts";
import { translate } from "../core/translate.ts";
import type { Settings, TranslateResult } from "../core/types.ts";
import type { OperatorMetrics } from "../metrics.ts";
import { Backoff } from "../sources/backoff.ts";
import { Coalescer } from "../sources/coalescer.ts";
import type { ClusterCache } from "../sources/kubernetes/cluster-cache.ts";
import { isRecord } from "../sources/kubernetes/object-meta.ts";
import { describeError } from "./errors.ts";
import { inputFingerprint } from "./input-fingerprint.ts";
import { overlayProvisionConflicts } from "./provision-overlay.ts";
import type { Provisioner } from "./provisioner.ts";
import type { GatewayInfo } from "./proxy-manifests.ts";
import { PARAMETERS_KIND, resolveProxyDeployment } from "./proxy-parameters.ts";
import { overlayRejections } from "./rejection-overlay.ts";
import type { SnapshotServer } from "./snapshot-server.ts";
import type { StatusWriter } from "./status-writer.ts";

export interface ControllerOptions {
  cache: ClusterCache;
  snapshots: SnapshotServer;
  statusWriter: StatusWriter;
  provisioner?: Provisioner;
  settings: Settings;
  log: Logger;
  metrics: OperatorMetrics;
  isLeader: () => boolean;
  debounceMs?: number;
  maxDelayMs?: number;
}

export class Controller {
  readonly #opts: ControllerOptions;
  readonly #coalescer: Coalescer;
  readonly #retry = new Backoff({ baseMs: 500, capMs: 30_000 });
  #retryTimer: NodeJS.Timeout | undefined;
  #lastInput = "";
  #lastResult: TranslateResult | undefined;
  #leaderWorkDone = false;
  #reconciles = 0;

  constructor(opts: ControllerOptions) {
    this.#opts = opts;
    this.#coalescer = new Coalescer({
      // Short: a deleted route (the kill switch) must reach the proxies at once. Bursts still
      // coalesce, because runs never overlap and a run reads the whole current state.
      debounceMs: opts.debounceMs ?? 10,
      maxDelayMs: opts.maxDelayMs ?? 250,
      run: () => this.#reconcile(),
      onError: (err) => opts.log.error({ err: describeError(err) }, "reconcile crashed"),
    });
  }

  /** Something changed: schedule one (coalesced) reconcile. */
  trigger(): void {
    this.#coalescer.trigger();
  }

  /** Leadership changed: the leader's writes must be redone from the live objects. */
  leadershipChanged(): void {
    this.#leaderWorkDone = false;
    this.#opts.statusWriter.reset();
    this.#opts.provisioner?.reset();
    this.trigger();
  }

  async close(): Promise<void> {
    clearTimeout(this.#retryTimer);
    await this.#coalescer.close();
  }

  async #reconcile(): Promise<void> {
    const { cache, snapshots, metrics } = this.#opts;
    // every line this reconcile logs (here and in the status writer) carries its id
    const log = this.#opts.log.child({ reconcileId: ++this.#reconciles });
    if (!cache.synced) return;
    const objects = cache.translationObjects();
    const dataPlane = snapshots.store.dataPlane();
    const rejections = snapshots.store.rejections();
    const input = inputFingerprint(objects, { dataPlane, rejections });
    const leader = this.#opts.isLeader();
    if (input === this.#lastInput && (!leader || this.#leaderWorkDone)) return;
    const end = metrics.reconcileDuration.startTimer();
    let ok = true;
    try {
      let result = this.#lastResult;
      if (input !== this.#lastInput || !result) {
        result = translate(resourceSetFromObjects(objects, dataPlane), this.#opts.settings);
        this.#lastResult = result;
        this.#lastInput = input;
        this.#leaderWorkDone = false;
        snapshots.publish(result.snapshots);
      }
      if (leader) ok = await this.#leaderWork(result, rejections, log);
    } catch (err) {
      ok = false;
      log.error({ err: describeError(err) }, "reconcile failed");
    } finally {
      end();
    }
    metrics.reconciles.inc({ result: ok ? "ok" : "error" });
    this.#scheduleRetry(ok);
  }

  async #leaderWork(
    result: TranslateResult,
    rejections: ReturnType<SnapshotServer["store"]["rejections"]>,
    log: Logger,
  ): Promise<boolean> {
    // Provision first: a Gateway whose objects belong to someone else is not Programmed.
    let failed = 0;
    let statuses = overlayRejections(result.statuses, rejections);
    if (this.#opts.provisioner) {
      const provisioned = await this.#opts.provisioner.sync(
        this.#gatewayInfos(Object.keys(result.snapshots)),
      );
      failed += provisioned.failed;
      statuses = overlayProvisionConflicts(statuses, provisioned.conflicts);
      // The foreign object may be removed or renamed: nothing we watch would tell us, so retry.
      failed += provisioned.conflicts.size;
    }
    const written = await this.#opts.statusWriter.sync(statuses, log);
    failed += written.failed;
    this.#leaderWorkDone = failed === 0;
    return failed === 0;
  }

  #scheduleRetry(ok: boolean): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    if (ok) {
      this.#retry.reset();
      return;
    }
    const delay = this.#retry.next();
    this.#opts.log.info({ retryInMs: delay }, "reconcile will be retried");
    this.#retryTimer = setTimeout(() => this.trigger(), delay);
  }

  #gatewayInfos(keys: readonly string[]): GatewayInfo[] {
    const out: GatewayInfo[] = [];
    for (const key of keys) {
      const [namespace = "", name = ""] = key.split("/");
      const gw = this.#opts.cache.get("Gateway", namespace, name);
      if (!isRecord(gw) || !isRecord(gw.metadata) || typeof gw.metadata.uid !== "string") continue;
      const spec = isRecord(gw.spec) ? gw.spec : {};
      const listeners = (Array.isArray(spec.listeners) ? spec.listeners : []).filter(isRecord).map((l) => ({
        name: String(l.name ?? ""),
        port: typeof l.port === "number" ? l.port : 0,
        protocol: String(l.protocol ?? ""),
      }));
      const gatewayClass =
        typeof spec.gatewayClassName === "string"
          ? this.#opts.cache.get("GatewayClass", undefined, spec.gatewayClassName)
          : undefined;
      const deployment = resolveProxyDeployment({
        gateway: gw,
        gatewayClass,
        getParameters: (ns, n) => this.#opts.cache.get(PARAMETERS_KIND, ns, n),
      });
      out.push({ namespace, name, uid: gw.metadata.uid, listeners, deployment });
    }
    return out;
  }
}
