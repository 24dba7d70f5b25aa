// The policy stage: before a request is forwarded, reserve its cost on every counter of every
// AgentgatewayPolicy that applies to its route (requests: 1; tokens: estimated input + allowed
// output; dollars: that at the model's price). Refuse at once when one does not fit; settle with
// the provider's reported usage when the exchange ends. Local counters live in this proxy, Global
// ones in Redis; when Redis fails, each limit fails open or closed as its policy says.
import { GatewayError } from "../errors.ts";
import type { Usage } from "../providers/types.ts";
import type { LimitConfig, PolicyConfig, ProviderKind, RouteConfig } from "../snapshot/schema.ts";
import { type Estimate, estimateRequest } from "./estimate.ts";
import type { PolicyMetrics } from "./metrics.ts";
import { costMicros, findPrice } from "./prices.ts";
import { refusal } from "./refusal.ts";
import type { CounterItem, CounterStore } from "./store.ts";
import { headerLabel, type UsageTracker } from "./usage.ts";
import { windowAt } from "./windows.ts";

/** Counters outlive their window by this much (clock skew between proxies). */
const TTL_MARGIN_MS = 60_000;

export interface AdmitInput {
  policies: readonly PolicyConfig[] | undefined;
  route: RouteConfig;
  clientKeyId: string | undefined;
  header: (name: string) => string | undefined;
  body: unknown;
  provider: ProviderKind;
  model: string | undefined;
  /** "anthropic" for /v1/messages clients: refusals in the Anthropic error shape. */
  format: "openai" | "anthropic";
}

interface Reserved {
  limit: LimitConfig;
  policy: PolicyConfig;
  store: CounterStore;
  item: CounterItem;
  /** The counter's value right after the reservation. */
  value: number;
  keyLabel: string;
  reportKey: string;
  window: { start: number; end: number };
}

export interface Grant {
  /** x-ratelimit-* headers for the response. */
  headers: Record<string, string>;
  /** Output tokens the response may still use before a budget is crossed (undefined: unbounded). */
  outputAllowance: number | undefined;
  /** Settle with what the provider reported; `forwarded` false when nothing reached the provider. */
  settle(usage: Usage, forwarded: boolean, failed: boolean): Promise<void>;
}

export interface PolicyEngineDeps {
  local: CounterStore;
  global: CounterStore | undefined;
  metrics: PolicyMetrics;
  now?: () => number;
  modelLabel?: (model: string | undefined) => string;
  /** Records the counters reserved on, for the policy status reports. */
  usage?: UsageTracker;
}

/** The counter key part, the metric label (bounded) and the status label (bounded, no value). */
function keyPart(limit: LimitConfig, input: AdmitInput): { part: string; label: string; report: string } {
  switch (limit.key.type) {
    case "ClientKey": {
      const id = input.clientKeyId ?? "-";
      return { part: `k:${id}`, label: id, report: id };
    }
    case "Header": {
      // the header's value is part of the counter key only (never a label: unbounded)
      const v = input.header(limit.key.header) ?? "";
      return {
        part: `h:${limit.key.header}:${v}`,
        label: "header",
        report: headerLabel(limit.key.header, v),
      };
    }
    case "Route": {
      const r = `${input.route.namespace}/${input.route.name}`;
      return { part: `r:${r}`, label: r, report: r };
    }
    case "Namespace":
      return {
        part: `n:${input.route.namespace}`,
        label: input.route.namespace,
        report: input.route.namespace,
      };
  }
}

function tokensOf(type: LimitConfig["tokenType"], input: number, output: number): number {
  return type === "Input" ? input : type === "Output" ? output : input + output;
}

export class PolicyEngine {
  readonly #deps: PolicyEngineDeps;
  readonly #now: () => number;

  constructor(deps: PolicyEngineDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** undefined when no policy applies. Throws a GatewayError (429, 400 or 503) to refuse. */
  async admit(input: AdmitInput): Promise<Grant | undefined> {
    const applicable = (input.policies ?? []).filter((p) => p.routes.includes(input.route.id));
    if (applicable.length === 0) return undefined;
    const now = this.#now();
    const estimate = estimateRequest(input.body, input.provider);
    const reserved: Reserved[] = [];
    const byStore = new Map<CounterStore | undefined, Reserved[]>();
    for (const policy of applicable) {
      const store = policy.counters === "Global" ? this.#deps.global : this.#deps.local;
      for (const limit of policy.limits) {
        const span = windowAt(limit.window, now);
        const { part, label, report } = keyPart(limit, input);
        const amount = this.#amount(limit, policy, input, estimate.inputTokens, estimate.outputTokens);
        const r: Reserved = {
          limit,
          policy,
          store: store as CounterStore,
          item: {
            key: `${limit.id}|${part}|${span.start}`,
            amount,
            limit: limit.limit,
            ttlMs: span.end - now + TTL_MARGIN_MS,
          },
          value: 0,
          keyLabel: label,
          reportKey: report,
          window: span,
        };
        const list = byStore.get(store) ?? [];
        list.push(r);
        byStore.set(store, list);
      }
    }
    const done: Reserved[] = [];
    for (const [store, list] of byStore) {
      let result: Awaited<ReturnType<CounterStore["reserve"]>> | undefined;
      try {
        if (!store) throw new Error("no Redis configured for Global counters");
        result = await store.reserve(list.map((r) => r.item));
      } catch {
        // a Global store that failed (or was never configured): the policy's status says so
        if (store === undefined || store === this.#deps.global)
          for (const r of list) this.#deps.usage?.unavailable(r.policy.ref);
        const closed = list.some(
          (r) => !(r.limit.class === "budget" ? r.policy.failOpen.budgets : r.policy.failOpen.rateLimits),
        );
        this.#deps.metrics.storeErrors.inc({ outcome: closed ? "closed" : "open" });
        if (closed) {
          await this.#giveBack(done);
          throw new GatewayError("limit_store_unavailable", { headers: { "retry-after": "1" } });
        }
        continue; // fail open: these limits are not enforced for this request
      }
      if (!result.ok) {
        await this.#giveBack(done);
        const r = list[result.refused] as Reserved;
        this.#deps.metrics.refused.inc({ limit: r.limit.id, key: r.keyLabel, class: r.limit.class });
        throw refusal(
          r.limit,
          result.value,
          r.item.amount,
          windowAt(r.limit.window, now).end - now,
          input.format,
        );
      }
      for (const [i, r] of list.entries()) {
        r.value = result.values[i] ?? 0;
        done.push(r);
        this.#deps.usage?.track(r.item.key, {
          limit: r.limit.id,
          key: r.reportKey,
          windowStart: r.window.start,
          windowEnd: r.window.end,
          counters: r.policy.counters,
        });
      }
    }
    reserved.push(...done);
    return this.#grant(reserved, input, estimate, now);
  }

  #amount(
    limit: LimitConfig,
    policy: PolicyConfig,
    input: AdmitInput,
    inTok: number,
    outTok: number,
  ): number {
    if (limit.unit === "requests") return 1;
    if (limit.unit === "tokens") return tokensOf(limit.tokenType, inTok, outTok);
    const price = findPrice(policy.prices, input.provider, input.model);
    if (!price) {
      throw new GatewayError("price_unknown", {
        message: `No price is known for model ${JSON.stringify(input.model ?? "")} on a dollar budget; add it to the policy's spec.prices`,
      });
    }
    const i = limit.tokenType === "Output" ? 0 : inTok;
    const o = limit.tokenType === "Input" ? 0 : outTok;
    return costMicros(price, i, o);
  }

  async #giveBack(done: readonly Reserved[]): Promise<void> {
    const byStore = new Map<CounterStore, Reserved[]>();
    for (const r of done) byStore.set(r.store, [...(byStore.get(r.store) ?? []), r]);
    for (const [store, list] of byStore) {
      await store
        .adjust(list.map((r) => ({ key: r.item.key, delta: -r.item.amount, ttlMs: r.item.ttlMs })))
        .catch(() => {});
    }
  }

  #grant(reserved: Reserved[], input: AdmitInput, estimate: Estimate, now: number): Grant {
    const headers: Record<string, string> = {};
    let allowance: number | undefined;
    for (const r of reserved) {
      const kind =
        r.limit.unit === "requests" ? "requests" : r.limit.unit === "tokens" ? "tokens" : undefined;
      if (kind && r.limit.class === "rateLimit" && headers[`x-ratelimit-limit-${kind}`] === undefined) {
        headers[`x-ratelimit-limit-${kind}`] = String(r.limit.limit);
        headers[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, r.limit.limit - r.value));
        headers[`x-ratelimit-reset-${kind}`] =
          `${Math.ceil((windowAt(r.limit.window, now).end - now) / 1000)}s`;
      }
      if (r.limit.unit === "tokens" && r.limit.tokenType !== "Input") {
        const left = estimate.outputTokens + Math.max(0, r.limit.limit - r.value);
        allowance = allowance === undefined ? left : Math.min(allowance, left);
      }
    }
    const deps = this.#deps;
    const label = deps.modelLabel ?? (() => "");
    return {
      headers,
      outputAllowance: allowance,
      settle: async (usage, forwarded, failed) => {
        const byStore = new Map<CounterStore, { key: string; delta: number; ttlMs: number }[]>();
        const known = usage.inputTokens !== undefined || usage.outputTokens !== undefined;
        const inTok = usage.inputTokens ?? estimate.inputTokens;
        const outTok = usage.outputTokens ?? (known ? 0 : estimate.outputTokens);
        for (const r of reserved) {
          let actual: number;
          if (r.limit.unit === "requests") actual = forwarded ? 1 : 0;
          else if (!forwarded || (failed && !known)) actual = 0;
          else if (!known)
            actual = r.item.amount; // usage unknown: the reservation stands
          else {
            try {
              actual = this.#amount(r.limit, r.policy, input, inTok, outTok);
            } catch {
              actual = r.item.amount;
            }
          }
          const delta = actual - r.item.amount;
          const spentAfter = r.value + delta;
          const labels = { limit: r.limit.id, key: r.keyLabel, unit: r.limit.unit };
          deps.metrics.spent.inc({ ...labels, route: input.route.id, model: label(input.model) }, actual);
          deps.metrics.remaining.set(labels, Math.max(0, r.limit.limit - spentAfter));
          if (delta !== 0) {
            const list = byStore.get(r.store) ?? [];
            list.push({ key: r.item.key, delta, ttlMs: r.item.ttlMs });
            byStore.set(r.store, list);
          }
        }
        for (const [store, list] of byStore) {
          await store.adjust(list).catch(() => deps.metrics.storeErrors.inc({ outcome: "settle_failed" }));
        }
      },
    };
  }
}
