// This process's ejection state of every provider with policies.health, keyed by provider label
// ("<backend ref>/<provider name>"). Kept across snapshot swaps for providers that still have a
// health policy; dropped for the others. The clock is injected (tests). In worker mode every
// worker keeps its own registry (it ejects on what it sees); the primary merges their reports.
import type { CompiledProvider } from "../snapshot/compile.ts";
import { type AttemptView, isUnhealthy } from "./condition.ts";
import { ProviderHealth } from "./ejection.ts";

/** An ejected provider as reported to the control plane (no secret in it: names and a time). */
export interface EjectedProvider {
  /** "<namespace>/<name>" of the AgentgatewayBackend. */
  backend: string;
  provider: string;
  /** Unix ms the ejection ends. */
  until: number;
}

export interface HealthRegistryOptions {
  now?: () => number;
  /** Called when an attempt starts an ejection (metrics, log). */
  onEject?: (provider: CompiledProvider, until: number) => void;
}

interface Entry {
  provider: CompiledProvider;
  state: ProviderHealth;
}

export class HealthRegistry {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;
  readonly #onEject: HealthRegistryOptions["onEject"];

  constructor(opts: HealthRegistryOptions = {}) {
    this.#now = opts.now ?? Date.now;
    this.#onEject = opts.onEject;
  }

  /** Is this provider ejected now? Providers without policies.health never are. */
  isEjected(provider: CompiledProvider): boolean {
    if (provider.health === undefined) return false;
    return this.#entries.get(provider.label)?.state.ejected(this.#now()) ?? false;
  }

  /** Records one attempt (view.code undefined: no response). retryAfterMs: the answer's Retry-After. */
  record(provider: CompiledProvider, view: AttemptView, retryAfterMs?: number): void {
    const health = provider.health;
    if (health === undefined) return;
    let entry = this.#entries.get(provider.label);
    if (entry === undefined) {
      entry = { provider, state: new ProviderHealth() };
      this.#entries.set(provider.label, entry);
    }
    entry.provider = provider;
    const now = this.#now();
    const until = entry.state.record(isUnhealthy(health.condition, view), health.eviction, now, retryAfterMs);
    if (until !== undefined) this.#onEject?.(provider, until);
  }

  /** A new snapshot: keep the state of providers that still have a health policy, forget the rest. */
  retain(providers: Iterable<CompiledProvider>): void {
    const keep = new Map<string, CompiledProvider>();
    for (const p of providers) if (p.health !== undefined) keep.set(p.label, p);
    for (const [label, entry] of this.#entries) {
      const next = keep.get(label);
      if (next === undefined) this.#entries.delete(label);
      else entry.provider = next;
    }
  }

  /** Providers ejected now, sorted by backend and provider name. */
  ejected(): EjectedProvider[] {
    const now = this.#now();
    const out: EjectedProvider[] = [];
    for (const { provider, state } of this.#entries.values()) {
      if (state.ejected(now) && state.ejectedUntil !== undefined)
        out.push({ backend: provider.backend, provider: provider.config.name, until: state.ejectedUntil });
    }
    return out.sort((a, b) => a.backend.localeCompare(b.backend) || a.provider.localeCompare(b.provider));
  }
}
