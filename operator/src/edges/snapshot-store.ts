// The versioned snapshots of every Gateway and what proxies reported about them. No I/O: the
// snapshot server (HTTP) drives it, the reconcile loop reads the data-plane state from it.
//
// Versions are per Gateway and only grow, across restarts and leader changes too: each
// leadership term starts an epoch (startEpoch, seconds since 1970 × 1e6), every version of the
// term is above epoch × 1e6 and above every earlier version, and the current snapshots are
// re-stamped into the new epoch (same content, new version) so a proxy that saw a newer version
// from another leader in between never gets an older number. A new version is otherwise minted
// only when the canonical hash of the GatewayConfig changes. (A term would need more than 1e6
// versions per second of its length to reach the next term's range.) A Gateway that disappears
// gets an EMPTY config (no listeners, routes or backends) as its next version, so proxies still
// subscribed stop serving it (fail closed) instead of keeping stale routes.

import type { Ack, UsageEntry, UsageReport } from "../../../gateway/src/snapshot/protocol.ts";
import type { ListenerConfig } from "../../../gateway/src/snapshot/schema.ts";
import {
  type GatewayConfig,
  SNAPSHOT_SCHEMA_VERSION,
  type Snapshot,
} from "../../../gateway/src/snapshot/schema.ts";
import type { DataPlaneState } from "../core/types.ts";
import { canonicalHash } from "./canonical-hash.ts";

const HISTORY = 64;
/** Room for versions within one leadership epoch second. */
export const EPOCH_SPAN = 1_000_000;

export interface AckRecord {
  version: number;
  hash: string;
  accepted: boolean;
  reason?: string;
  /** Ports the proxy could not bind, with why (from the ack's listeners). */
  unavailable?: { port: number; reason: string }[];
}

export interface Rejection {
  proxyId: string;
  version: number;
  reason: string;
}

interface GatewayEntry {
  current?: Snapshot;
  lastVersion: number;
  /** version → listeners, for the newest versions (acks name a version). */
  history: Map<number, { hash: string; listeners: ListenerConfig[] }>;
  /** proxyId → open stream count, latest ack and latest policy counter report. */
  proxies: Map<string, { streams: number; ack?: AckRecord; usage?: UsageReport }>;
}

export type AckOutcome = "recorded" | "unknown_version" | "not_connected";

export class SnapshotStore {
  readonly #gateways = new Map<string, GatewayEntry>();
  /** Versions of the current leadership term are above this (0: no epoch, versions 1, 2, ...). */
  #base = 0;

  /** Start a leadership term: versions from here on exceed epochSeconds × 1e6. Re-stamps current snapshots. */
  startEpoch(epochSeconds: number): Snapshot[] {
    this.#base = Math.max(this.#base, Math.floor(epochSeconds) * EPOCH_SPAN);
    const restamped: Snapshot[] = [];
    for (const entry of this.#gateways.values()) {
      if (!entry.current) continue;
      const snapshot: Snapshot = { ...entry.current, version: this.#nextVersion(entry) };
      this.#record(entry, snapshot, entry.current.listeners);
      restamped.push(snapshot);
    }
    return restamped;
  }

  /** Replace the set of Gateway configs; returns the Gateways whose snapshot changed. */
  publish(configs: Record<string, GatewayConfig>): Snapshot[] {
    const changed: Snapshot[] = [];
    for (const [key, config] of Object.entries(configs)) {
      const snap = this.#set(key, config);
      if (snap) changed.push(snap);
    }
    for (const [key, entry] of this.#gateways) {
      if (
        key in configs ||
        !entry.current ||
        entry.current.listeners.length + entry.current.routes.length === 0
      )
        continue;
      const snap = this.#set(key, emptyConfig(key));
      if (snap) changed.push(snap);
    }
    return changed;
  }

  current(gateway: string): Snapshot | undefined {
    return this.#gateways.get(gateway)?.current;
  }

  gateways(): string[] {
    return [...this.#gateways.keys()].sort();
  }

  connect(gateway: string, proxyId: string): void {
    const entry = this.#entry(gateway);
    const proxy = entry.proxies.get(proxyId) ?? { streams: 0 };
    proxy.streams += 1;
    entry.proxies.set(proxyId, proxy);
  }

  /** Returns true when this was the proxy's last open stream. */
  disconnect(gateway: string, proxyId: string): boolean {
    const entry = this.#gateways.get(gateway);
    const proxy = entry?.proxies.get(proxyId);
    if (!entry || !proxy) return false;
    proxy.streams -= 1;
    if (proxy.streams > 0) return false;
    entry.proxies.delete(proxyId);
    return true;
  }

  connectedProxies(gateway: string): number {
    return this.#gateways.get(gateway)?.proxies.size ?? 0;
  }

  recordAck(ack: Ack): AckOutcome {
    const entry = this.#gateways.get(ack.gateway);
    const proxy = entry?.proxies.get(ack.proxyId);
    if (!entry || !proxy) return "not_connected";
    const known = entry.history.get(ack.version);
    if (!known || known.hash !== ack.hash) return "unknown_version";
    proxy.ack = {
      version: ack.version,
      hash: ack.hash,
      accepted: ack.accepted,
      ...(ack.reason === undefined ? {} : { reason: ack.reason }),
    };
    const unavailable = (ack.listeners ?? [])
      .filter((l) => !l.open)
      .map((l) => ({ port: l.port, reason: l.reason ?? "the proxy could not bind this port" }));
    if (unavailable.length > 0) proxy.ack.unavailable = unavailable;
    return "recorded";
  }

  /** A connected proxy's policy counter view; false when the proxy has no open stream. */
  recordUsage(report: UsageReport): boolean {
    const proxy = this.#gateways.get(report.gateway)?.proxies.get(report.proxyId);
    if (!proxy) return false;
    proxy.usage = report;
    return true;
  }

  /** Per Gateway: connected proxies and the listeners of the newest snapshot one of them accepted. */
  dataPlane(): Record<string, DataPlaneState> {
    const out: Record<string, DataPlaneState> = {};
    for (const [key, entry] of [...this.#gateways].sort(([a], [b]) => a.localeCompare(b))) {
      let newest: number | undefined;
      for (const { ack } of entry.proxies.values()) {
        if (ack?.accepted && (newest === undefined || ack.version > newest)) newest = ack.version;
      }
      const listeners = newest === undefined ? undefined : entry.history.get(newest)?.listeners;
      const usage = mergeUsage([...entry.proxies.values()].map((p) => p.usage));
      const ejected = mergeEjected([...entry.proxies.values()].map((p) => p.usage));
      // a port any proxy serving the newest accepted version failed to bind is not programmed
      const unavailable = new Map<number, string>();
      for (const { ack } of entry.proxies.values()) {
        if (!ack?.accepted || ack.version !== newest) continue;
        for (const u of ack.unavailable ?? [])
          if (!unavailable.has(u.port)) unavailable.set(u.port, u.reason);
      }
      out[key] = {
        connectedProxies: entry.proxies.size,
        ...(listeners ? { ackedListeners: listeners } : {}),
        ...(usage ? { usage } : {}),
        ...(ejected.length > 0 ? { ejected } : {}),
        ...(unavailable.size > 0
          ? {
              unavailablePorts: [...unavailable]
                .sort(([a], [b]) => a - b)
                .map(([port, reason]) => ({ port, reason })),
            }
          : {}),
      };
    }
    return out;
  }

  /** Connected proxies that rejected the CURRENT snapshot of each Gateway. */
  rejections(): Record<string, Rejection[]> {
    const out: Record<string, Rejection[]> = {};
    for (const [key, entry] of this.#gateways) {
      const version = entry.current?.version;
      const list: Rejection[] = [];
      for (const [proxyId, { ack }] of entry.proxies) {
        if (ack && !ack.accepted && ack.version === version) {
          list.push({ proxyId, version: ack.version, reason: ack.reason ?? "" });
        }
      }
      if (list.length > 0) out[key] = list.sort((a, b) => a.proxyId.localeCompare(b.proxyId));
    }
    return out;
  }

  #set(key: string, config: GatewayConfig): Snapshot | undefined {
    const entry = this.#entry(key);
    const hash = canonicalHash(config);
    if (entry.current?.hash === hash) return undefined;
    const snapshot: Snapshot = { ...config, version: this.#nextVersion(entry), hash };
    this.#record(entry, snapshot, config.listeners);
    return snapshot;
  }

  #nextVersion(entry: GatewayEntry): number {
    entry.lastVersion = Math.max(entry.lastVersion + 1, this.#base + 1);
    return entry.lastVersion;
  }

  #record(entry: GatewayEntry, snapshot: Snapshot, listeners: ListenerConfig[]): void {
    entry.current = snapshot;
    entry.history.set(snapshot.version, { hash: snapshot.hash, listeners });
    if (entry.history.size > HISTORY) {
      const oldest = entry.history.keys().next().value;
      if (oldest !== undefined) entry.history.delete(oldest);
    }
  }

  #entry(key: string): GatewayEntry {
    let entry = this.#gateways.get(key);
    if (!entry) {
      entry = { lastVersion: 0, history: new Map(), proxies: new Map() };
      this.#gateways.set(key, entry);
    }
    return entry;
  }
}

export function emptyConfig(key: string): GatewayConfig {
  const i = key.indexOf("/");
  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    gateway: { namespace: key.slice(0, i), name: key.slice(i + 1) },
    listeners: [],
    routes: [],
    backends: [],
  };
}

/**
 * The counters of one Gateway's proxies: Local counters are each proxy's own, so they add up;
 * Global ones are shared (Redis), so every proxy reads the same value and the highest is the latest.
 */
/** Providers the proxies eject now (their last reports): per provider the latest end and how many. */
export function mergeEjected(
  reports: readonly (UsageReport | undefined)[],
): NonNullable<DataPlaneState["ejected"]> {
  const merged = new Map<string, NonNullable<DataPlaneState["ejected"]>[number]>();
  for (const r of reports) {
    for (const e of r?.ejected ?? []) {
      const k = `${e.backend}\u0000${e.provider}`;
      const seen = merged.get(k);
      if (!seen) merged.set(k, { ...e, proxies: 1 });
      else {
        seen.proxies += 1;
        seen.until = Math.max(seen.until, e.until);
      }
    }
  }
  return [...merged.values()].sort(
    (a, b) => a.backend.localeCompare(b.backend) || a.provider.localeCompare(b.provider),
  );
}

export function mergeUsage(
  reports: readonly (UsageReport | undefined)[],
): { entries: UsageEntry[]; unavailable: Record<string, number> } | undefined {
  const merged = new Map<string, UsageEntry>();
  const unavailable: Record<string, number> = {};
  let any = false;
  for (const r of reports) {
    if (!r) continue;
    any = true;
    for (const e of r.entries) {
      const k = `${e.counters}|${e.limit}|${e.key}|${e.windowStart}`;
      const seen = merged.get(k);
      if (!seen) merged.set(k, { ...e });
      else if (e.counters === "Local") seen.used += e.used;
      else seen.used = Math.max(seen.used, e.used);
    }
    for (const p of r.unavailable) unavailable[p] = (unavailable[p] ?? 0) + 1;
  }
  if (!any) return undefined;
  const entries = [...merged.values()].sort((a, b) =>
    `${a.limit}|${a.key}|${a.windowStart}`.localeCompare(`${b.limit}|${b.key}|${b.windowStart}`),
  );
  return { entries, unavailable };
}
