// The one reference to the snapshot being served. apply() validates (zod), checks the schema version
// and the Gateway, compiles, then swaps the reference atomically. A rejected snapshot (or an operator
// that went away) leaves the last good one in place. Swap listeners (kill switch, listeners, model
// labels) run synchronously after the swap, in registration order.
import type { Logger } from "../log.ts";
import type { ProxyMetrics } from "../metrics/registry.ts";
import { type CompiledSnapshot, CompileError, compileSnapshot } from "./compile.ts";
import { SNAPSHOT_SCHEMA_VERSION, Snapshot } from "./schema.ts";

const MAX_REASON = 2000;

export interface ApplyResult {
  accepted: boolean;
  /** Why it was rejected: validation summary, never secret values. */
  reason?: string;
  /** Version and hash of the snapshot as received (0/"" when unreadable). */
  version: number;
  hash: string;
}

export type SwapListener = (next: CompiledSnapshot, prev: CompiledSnapshot | undefined) => void;

export interface SnapshotStoreOptions {
  /** "<namespace>/<name>" this proxy serves; snapshots for another Gateway are rejected. */
  gateway?: string;
  metrics?: ProxyMetrics;
  log?: Logger;
}

function peek(raw: unknown, key: string): unknown {
  return typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
}

export class SnapshotStore {
  #current: CompiledSnapshot | undefined;
  readonly #listeners: SwapListener[] = [];
  readonly #opts: SnapshotStoreOptions;

  constructor(opts: SnapshotStoreOptions = {}) {
    this.#opts = opts;
  }

  get current(): CompiledSnapshot | undefined {
    return this.#current;
  }

  get version(): number | undefined {
    return this.#current?.snapshot.version;
  }

  /** The Gateway label for metrics: configured, else the served snapshot's. */
  get gateway(): string {
    return this.#opts.gateway ?? this.#current?.gateway ?? "";
  }

  onSwap(fn: SwapListener): void {
    this.#listeners.push(fn);
  }

  apply(raw: unknown): ApplyResult {
    const rawVersion = peek(raw, "version");
    const rawHash = peek(raw, "hash");
    const version = typeof rawVersion === "number" && Number.isInteger(rawVersion) ? rawVersion : 0;
    const hash = typeof rawHash === "string" ? rawHash : "";
    const result = this.#validate(raw);
    if (typeof result === "string") {
      const reason = result.length > MAX_REASON ? `${result.slice(0, MAX_REASON - 1)}…` : result;
      this.#count("rejected");
      this.#opts.log?.warn({ version, reason }, "snapshot rejected; keeping the last good one");
      return { accepted: false, reason, version, hash };
    }
    const prev = this.#current;
    if (prev && result.snapshot.version < prev.snapshot.version) {
      // Versions only grow, across operator restarts and leader changes (the operator stamps
      // them with its leadership epoch): an older one is a stale or replayed snapshot.
      const reason = `version ${result.snapshot.version} is older than the served version ${prev.snapshot.version}; versions never go backwards`;
      this.#count("rejected");
      this.#opts.log?.warn(
        { version, served: prev.snapshot.version },
        "snapshot rejected: version went backwards",
      );
      return { accepted: false, reason, version, hash };
    }
    this.#count("accepted");
    if (
      prev &&
      prev.snapshot.version === result.snapshot.version &&
      prev.snapshot.hash === result.snapshot.hash
    ) {
      return { accepted: true, version, hash };
    }
    this.#current = result;
    this.#opts.metrics?.snapshotVersion.set({ gateway: this.gateway }, result.snapshot.version);
    this.#opts.log?.info(
      { version, routes: result.snapshot.routes.length, listeners: result.snapshot.listeners.length },
      "snapshot applied",
    );
    for (const fn of this.#listeners) fn(result, prev);
    return { accepted: true, version, hash };
  }

  #validate(raw: unknown): CompiledSnapshot | string {
    const schemaVersion = peek(raw, "schemaVersion");
    if (schemaVersion !== SNAPSHOT_SCHEMA_VERSION) {
      return `unsupported schemaVersion ${JSON.stringify(schemaVersion) ?? "undefined"}: this proxy speaks ${SNAPSHOT_SCHEMA_VERSION}`;
    }
    const parsed = Snapshot.safeParse(raw);
    if (!parsed.success) {
      const issues = parsed.error.issues
        .flatMap((i) =>
          i.code === "unrecognized_keys"
            ? i.keys.map((k) => `${[...i.path, k].join(".")}: unknown field`)
            : [`${i.path.join(".") || "(root)"}: ${i.message}`],
        )
        .slice(0, 10)
        .join("; ");
      return `invalid snapshot: ${issues}`;
    }
    const gw = `${parsed.data.gateway.namespace}/${parsed.data.gateway.name}`;
    if (this.#opts.gateway !== undefined && gw !== this.#opts.gateway) {
      return `snapshot is for gateway ${gw}, this proxy serves ${this.#opts.gateway}`;
    }
    try {
      return compileSnapshot(parsed.data);
    } catch (e) {
      if (e instanceof CompileError) return `invalid snapshot: ${e.message}`;
      throw e;
    }
  }

  #count(result: "accepted" | "rejected"): void {
    this.#opts.metrics?.snapshotReloads.inc({ gateway: this.gateway, result });
  }
}
