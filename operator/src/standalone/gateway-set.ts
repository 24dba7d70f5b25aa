// The standalone data path: manifests → the same translator the operator runs → the same
// versioned snapshot store → one in-process proxy per Gateway (the same proxy the cluster runs).
// The only thing it does not have is Kubernetes: acks are local calls, statuses are logged.

import type { Logger } from "../../../gateway/src/log.ts";
import type { ProxyHandle, ProxyOptions } from "../../../gateway/src/main.ts";
import { CONTROLLER_NAME } from "../api/gateway-api.ts";
import { resourceSetFromObjects } from "../core/resource-set.ts";
import { translate } from "../core/translate.ts";
import type { ObjectStatus, Settings } from "../core/types.ts";
import { SnapshotStore } from "../edges/snapshot-store.ts";

export const STANDALONE_PROXY_ID = "standalone";

export interface GatewaySetOptions {
  settings: Settings;
  /** Proxy options shared by every Gateway (port map, bind, limits). */
  proxy: Omit<ProxyOptions, "gateway" | "controlPlane" | "log">;
  log: Logger;
  startProxy: (opts: ProxyOptions) => Promise<ProxyHandle>;
}

export interface ApplyOutcome {
  /** Gateways served, "<namespace>/<name>". */
  gateways: string[];
  /** Statuses after the data plane took the snapshots (Programmed included). */
  statuses: ObjectStatus[];
  /** Snapshots a proxy rejected: "<gateway>: reason". */
  rejected: string[];
}

/** A GatewayClass `agentgateway` is implied: standalone files need not declare one. */
function withDefaultGatewayClass(objects: readonly unknown[], controllerName: string): unknown[] {
  const hasClass = objects.some(
    (o) =>
      typeof o === "object" &&
      o !== null &&
      (o as { kind?: unknown }).kind === "GatewayClass" &&
      (o as { metadata?: { name?: unknown } }).metadata?.name === "agentgateway",
  );
  if (hasClass) return [...objects];
  return [
    ...objects,
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GatewayClass",
      metadata: { name: "agentgateway", generation: 1 },
      spec: { controllerName },
    },
  ];
}

export class GatewaySet {
  readonly #opts: GatewaySetOptions;
  readonly #store = new SnapshotStore();
  readonly #proxies = new Map<string, ProxyHandle>();

  constructor(opts: GatewaySetOptions) {
    this.#opts = opts;
  }

  proxy(gateway: string): ProxyHandle | undefined {
    return this.#proxies.get(gateway);
  }

  /** Translate the objects and serve the result. Equal input is a no-op for the proxies. */
  async apply(objects: readonly unknown[]): Promise<ApplyOutcome> {
    const settings = this.#opts.settings;
    const all = withDefaultGatewayClass(objects, settings.controllerName || CONTROLLER_NAME);
    const first = translate(resourceSetFromObjects(all, this.#store.dataPlane()), settings);
    const rejected: string[] = [];
    for (const snapshot of this.#store.publish(first.snapshots)) {
      const key = `${snapshot.gateway.namespace}/${snapshot.gateway.name}`;
      if (!(key in first.snapshots)) continue; // removed: its proxy is closed below
      const proxy = await this.#ensureProxy(key);
      const result = proxy.apply(snapshot);
      await result.listening;
      this.#store.recordAck({
        gateway: key,
        proxyId: STANDALONE_PROXY_ID,
        version: snapshot.version,
        hash: snapshot.hash,
        accepted: result.accepted,
        reason: result.accepted ? undefined : result.reason,
      });
      if (!result.accepted) rejected.push(`${key}: ${result.reason ?? "rejected"}`);
    }
    await this.#closeRemoved(Object.keys(first.snapshots));
    // Feed the acks back, as the operator does, so Programmed is computed from what is served.
    const final = translate(resourceSetFromObjects(all, this.#store.dataPlane()), settings);
    return { gateways: Object.keys(final.snapshots), statuses: final.statuses, rejected };
  }

  async close(): Promise<void> {
    const proxies = [...this.#proxies.values()];
    this.#proxies.clear();
    await Promise.all(proxies.map((p) => p.close()));
  }

  async #ensureProxy(key: string): Promise<ProxyHandle> {
    const existing = this.#proxies.get(key);
    if (existing) return existing;
    // The first Gateway gets the configured admin port; more Gateways get free ones (logged).
    const adminPort = this.#proxies.size === 0 ? this.#opts.proxy.adminPort : 0;
    const proxy = await this.#opts.startProxy({
      ...this.#opts.proxy,
      adminPort,
      gateway: key,
      log: this.#opts.log.child({ gateway: key }),
    });
    this.#proxies.set(key, proxy);
    this.#store.connect(key, STANDALONE_PROXY_ID);
    this.#opts.log.info({ gateway: key, adminPort: proxy.adminPort }, "serving gateway");
    return proxy;
  }

  async #closeRemoved(keep: string[]): Promise<void> {
    for (const [key, proxy] of this.#proxies) {
      if (keep.includes(key)) continue;
      this.#proxies.delete(key);
      this.#store.disconnect(key, STANDALONE_PROXY_ID);
      await proxy.close();
      this.#opts.log.info({ gateway: key }, "gateway removed: stopped serving it");
    }
  }
}
