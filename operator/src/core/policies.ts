// AgentgatewayPolicy attachment (GEP-713 style). Each targetRef (same namespace as the policy) must
// name a Gateway of our class, an AIRoute or HTTPRoute, or an AgentgatewayBackend that exists;
// otherwise ResolvedRefs=False (TargetNotFound, or InvalidKind for another kind). Two policies on
// the same target: the oldest (creationTimestamp, then namespace/name) keeps it, the younger loses
// that target (Conflicted). A policy with no target left is Accepted=False.
// The snapshot carries each accepted policy with the route entry ids it applies to on that Gateway:
// a Gateway target covers all its routes, a route target its entries, a backend target every
// route entry that sends traffic to it. The proxy enforces every limit of every policy that applies.

import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { UsageEntry } from "../../../gateway/src/snapshot/protocol.ts";
import type { GatewayConfig, LimitConfig, PolicyConfig } from "../../../gateway/src/snapshot/schema.ts";
import {
  type AgentgatewayPolicy,
  type Budget,
  type LimitKey,
  type LocalRateLimit,
  ModelPrice,
} from "../api/agentgateway-policy.ts";
import type { ConfigMap } from "../api/gateway-api.ts";
import { AGENTGATEWAY_GROUP, GATEWAY_GROUP } from "../api/gateway-api.ts";
import type { Condition } from "../api/meta.ts";
import { condition } from "./conditions.ts";
import { generationOf, keyOf, type NamespacedName, refOf } from "./object-ref.ts";
import { ConditionType, type Problem, Reason } from "./reasons.ts";
import { compareTuples, sortBy } from "./sorting.ts";
import type { DataPlaneState, ObjectStatus, PolicyUsageRow } from "./types.ts";
import type { InvalidObject } from "./validate.ts";

/** What exists for targets to resolve against (keys "<namespace>/<name>"). */
export interface PolicyWorld {
  gateways: ReadonlySet<string>;
  aiRoutes: ReadonlySet<string>;
  httpRoutes: ReadonlySet<string>;
  backends: ReadonlySet<string>;
}

type TargetKind = "Gateway" | "AIRoute" | "HTTPRoute" | "AgentgatewayBackend";

const TARGET_GROUPS: Record<TargetKind, string> = {
  Gateway: GATEWAY_GROUP,
  HTTPRoute: GATEWAY_GROUP,
  AIRoute: AGENTGATEWAY_GROUP,
  AgentgatewayBackend: AGENTGATEWAY_GROUP,
};

interface Target {
  kind: TargetKind;
  key: string;
}

export interface PolicyOutputs {
  /** Per Gateway key: the policies that apply to at least one of its route entries, sorted by ref. */
  perGateway: Map<string, PolicyConfig[]>;
  statuses: ObjectStatus[];
}

const WINDOW: Record<LocalRateLimit["unit"] | Budget["period"], LimitConfig["window"]> = {
  Seconds: "Second",
  Minutes: "Minute",
  Hours: "Hour",
  Day: "Day",
  Week: "Week",
  Month: "Month",
};

/** "2.50" → 2500000 (exact: decimal string arithmetic, no float). */
export function toMicros(decimal: string): number {
  const [whole = "0", frac = ""] = decimal.split(".");
  return Number(whole) * 1_000_000 + Number(frac.padEnd(6, "0").slice(0, 6));
}

function keyConfig(key: LimitKey | undefined): LimitConfig["key"] {
  if (!key) return { type: "Route" };
  if (key.type === "Header") return { type: "Header", header: (key.header ?? "").toLowerCase() };
  return { type: key.type };
}

function limitsOf(policy: AgentgatewayPolicy, ref: string): LimitConfig[] {
  const out: LimitConfig[] = [];
  for (const [i, l] of (policy.spec.traffic?.rateLimit?.local ?? []).entries()) {
    out.push({
      id: `${ref}/rateLimit/${i}`,
      class: "rateLimit",
      unit: l.requests !== undefined ? "requests" : "tokens",
      tokenType: l.tokenType ?? "Total",
      limit: l.requests ?? l.tokens ?? 0,
      window: WINDOW[l.unit],
      key: keyConfig(l.key),
    });
  }
  for (const [i, b] of (policy.spec.budgets ?? []).entries()) {
    out.push({
      id: `${ref}/budget/${i}`,
      class: "budget",
      unit: b.dollars !== undefined ? "microdollars" : "tokens",
      tokenType: b.tokenType ?? "Total",
      limit: b.dollars !== undefined ? toMicros(b.dollars) : (b.tokens ?? 0),
      window: WINDOW[b.period],
      key: keyConfig(b.key),
    });
  }
  return out;
}

function resolveTarget(
  t: AgentgatewayPolicy["spec"]["targetRefs"][number],
  ns: string,
  world: PolicyWorld,
): Target | Problem {
  const kind = t.kind as TargetKind;
  if (!Object.hasOwn(TARGET_GROUPS, t.kind) || TARGET_GROUPS[kind] !== t.group) {
    return {
      reason: Reason.InvalidKind,
      message: `targetRef ${t.kind} ${t.name} (group "${t.group}"): only Gateway, HTTPRoute (${GATEWAY_GROUP}), AIRoute and AgentgatewayBackend (${AGENTGATEWAY_GROUP}) can be targeted`,
    };
  }
  const key = `${ns}/${t.name}`;
  const set =
    kind === "Gateway"
      ? world.gateways
      : kind === "AIRoute"
        ? world.aiRoutes
        : kind === "HTTPRoute"
          ? world.httpRoutes
          : world.backends;
  if (!set.has(key)) return { reason: Reason.TargetNotFound, message: `${kind} ${key} not found` };
  return { kind, key };
}

function routesOn(snapshot: GatewayConfig, gatewayKey: string, targets: readonly Target[]): string[] {
  const ids = new Set<string>();
  for (const r of snapshot.routes) {
    const routeKey = `${r.namespace}/${r.name}`;
    for (const t of targets) {
      const hit =
        (t.kind === "Gateway" && t.key === gatewayKey) ||
        (t.kind === r.kind && t.key === routeKey) ||
        (t.kind === "AgentgatewayBackend" && r.backends.some((b) => b.backend === t.key));
      if (hit) ids.add(r.id);
    }
  }
  return [...ids].sort();
}

interface Evaluated {
  policy: AgentgatewayPolicy;
  ref: NamespacedName;
  targets: Target[];
  problems: Problem[];
}

function policyStatus(
  ref: NamespacedName,
  generation: number,
  conditions: Condition[],
  usage?: PolicyUsage,
): ObjectStatus {
  return {
    kind: "AgentgatewayPolicy",
    ...ref,
    generation,
    status: {
      conditions,
      ...(usage && usage.rows.length > 0 ? { usage: usage.rows } : {}),
      ...(usage?.truncated ? { usageTruncated: true } : {}),
    },
  };
}

/** Usage rows shown in a policy's status at most. */
export const MAX_USAGE_ROWS = 100;

interface PolicyUsage {
  rows: PolicyUsageRow[];
  truncated: boolean;
}

/**
 * A policy's counters as its Gateways' proxies report them: per Gateway, Local counters are already
 * summed over its proxies and Global ones shared; across Gateways, Local counters add up again
 * (each Gateway's proxies count on their own) and Global ones are the same counter. Only the
 * newest window of each (limit, key) is shown: the proxies report windows that have not ended.
 */
function policyUsage(
  ref: string,
  limits: readonly LimitConfig[],
  gateways: readonly string[],
  dataPlane: (gateway: string) => DataPlaneState | undefined,
): PolicyUsage {
  const byId = new Map(limits.map((l) => [l.id, l]));
  const rows = new Map<string, { entry: UsageEntry; used: number }>();
  for (const gw of gateways) {
    for (const e of dataPlane(gw)?.usage?.entries ?? []) {
      if (!byId.has(e.limit)) continue;
      const k = `${e.limit}|${e.key}`;
      const seen = rows.get(k);
      if (!seen || e.windowStart > seen.entry.windowStart) rows.set(k, { entry: e, used: e.used });
      else if (e.windowStart === seen.entry.windowStart)
        seen.used = e.counters === "Local" ? seen.used + e.used : Math.max(seen.used, e.used);
    }
  }
  const all = sortBy(
    [...rows.values()].map(({ entry, used }) => {
      const l = byId.get(entry.limit) as LimitConfig;
      return {
        limit: entry.limit.slice(ref.length + 1),
        key: entry.key,
        window: l.window,
        windowStart: new Date(entry.windowStart).toISOString(),
        unit: l.unit,
        used,
        capacity: l.limit,
        remaining: Math.max(0, l.limit - used),
      };
    }),
    (r) => [r.limit, r.key],
  );
  return { rows: all.slice(0, MAX_USAGE_ROWS), truncated: all.length > MAX_USAGE_ROWS };
}

/** counters: Global: whether every reporting proxy reached the shared counters (Redis) lately. */
function countersCondition(
  ref: string,
  spec: AgentgatewayPolicy["spec"],
  gateways: readonly string[],
  dataPlane: (gateway: string) => DataPlaneState | undefined,
  generation: number,
): Condition {
  let failing = 0;
  for (const gw of gateways) failing += dataPlane(gw)?.usage?.unavailable[ref] ?? 0;
  if (failing === 0)
    return condition(
      ConditionType.CountersAvailable,
      true,
      Reason.CounterStoreAvailable,
      "no proxy reported a failure to reach the Global counters",
      generation,
    );
  const budgets = spec.failureMode?.budgets ?? "Closed";
  const rateLimits = spec.failureMode?.rateLimits ?? "Open";
  return condition(
    ConditionType.CountersAvailable,
    false,
    Reason.CounterStoreUnavailable,
    `${failing} prox${failing === 1 ? "y" : "ies"} could not reach the Global counters (Redis): budgets fail ${budgets === "Open" ? "open" : "closed"}, rate limits fail ${rateLimits === "Open" ? "open" : "closed"}`,
    generation,
  );
}

export function invalidPolicyStatus(bad: InvalidObject): ObjectStatus {
  return policyStatus(bad.ref, bad.generation, [
    condition("Accepted", false, bad.problem.reason, bad.problem.message, bad.generation),
    condition("ResolvedRefs", false, bad.problem.reason, "the policy does not parse", bad.generation),
  ]);
}

/** Prices of a policy's pricesFrom ConfigMap (its `prices.yaml` entry), or why they cannot be read. */
export const PRICES_KEY = "prices.yaml";

function configMapPrices(
  policy: AgentgatewayPolicy,
  ns: string,
  configMaps: ReadonlyMap<string, ConfigMap>,
): ModelPrice[] | Problem | undefined {
  const ref = policy.spec.pricesFrom?.configMapRef;
  if (!ref) return undefined;
  const cm = configMaps.get(`${ns}/${ref.name}`);
  if (!cm)
    return {
      reason: Reason.ConfigMapNotFound,
      message: `spec.pricesFrom: ConfigMap ${ns}/${ref.name} not found`,
    };
  const text = cm.data?.[PRICES_KEY];
  if (text === undefined)
    return {
      reason: Reason.InvalidPrices,
      message: `spec.pricesFrom: ConfigMap ${ns}/${ref.name} has no ${PRICES_KEY} entry`,
    };
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    return {
      reason: Reason.InvalidPrices,
      message: `spec.pricesFrom: ${ns}/${ref.name} ${PRICES_KEY} is not YAML`,
    };
  }
  const parsed = z.array(ModelPrice).max(256).safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `[${issue.path.join("].")}` : "";
    return {
      reason: Reason.InvalidPrices,
      message: `spec.pricesFrom: ${ns}/${ref.name} ${PRICES_KEY}${where}: ${issue?.message ?? "invalid"}`,
    };
  }
  return parsed.data;
}

export function evaluatePolicies(
  policies: readonly AgentgatewayPolicy[],
  invalid: readonly InvalidObject[],
  world: PolicyWorld,
  snapshots: ReadonlyMap<string, GatewayConfig>,
  dataPlane: (gateway: string) => DataPlaneState | undefined = () => undefined,
  configMaps: ReadonlyMap<string, ConfigMap> = new Map(),
): PolicyOutputs {
  const extraPrices = new Map<AgentgatewayPolicy, ModelPrice[]>();
  const evaluated: Evaluated[] = policies.map((policy) => {
    const ref = refOf(policy.metadata);
    const targets: Target[] = [];
    const problems: Problem[] = [];
    const fromConfigMap = configMapPrices(policy, ref.namespace, configMaps);
    if (fromConfigMap !== undefined && "reason" in fromConfigMap) problems.push(fromConfigMap);
    else if (fromConfigMap) extraPrices.set(policy, fromConfigMap);
    for (const t of policy.spec.targetRefs) {
      const r = resolveTarget(t, ref.namespace, world);
      if ("reason" in r) problems.push(r);
      else if (!targets.some((x) => x.kind === r.kind && x.key === r.key)) targets.push(r);
    }
    return { policy, ref, targets, problems };
  });
  // GEP-713: the oldest policy on a target wins it.
  const byAge = [...evaluated].sort((a, b) =>
    compareTuples(
      [a.policy.metadata.creationTimestamp ?? "~", a.ref.namespace, a.ref.name],
      [b.policy.metadata.creationTimestamp ?? "~", b.ref.namespace, b.ref.name],
    ),
  );
  const owner = new Map<string, string>();
  const won = new Map<Evaluated, Target[]>();
  const lost = new Map<Evaluated, string[]>();
  for (const ev of byAge) {
    const mine: Target[] = [];
    const theirs: string[] = [];
    for (const t of ev.targets) {
      const k = `${t.kind}/${t.key}`;
      const o = owner.get(k);
      if (o === undefined) {
        owner.set(k, keyOf(ev.ref));
        mine.push(t);
      } else theirs.push(`${t.kind} ${t.key} (kept by the older policy ${o})`);
    }
    won.set(ev, mine);
    lost.set(ev, theirs);
  }

  const perGateway = new Map<string, PolicyConfig[]>();
  const statuses: ObjectStatus[] = [];
  for (const ev of evaluated) {
    const gen = generationOf(ev.policy.metadata);
    const targets = won.get(ev) ?? [];
    const conflicts = lost.get(ev) ?? [];
    const resolved =
      ev.problems.length === 0
        ? condition("ResolvedRefs", true, Reason.ResolvedRefs, "all targets found", gen)
        : condition(
            "ResolvedRefs",
            false,
            (ev.problems[0] as Problem).reason,
            ev.problems.map((p) => p.message).join("; "),
            gen,
          );
    let accepted: Condition;
    if (targets.length > 0) {
      const note = conflicts.length > 0 ? `; not attached to ${conflicts.join(", ")}` : "";
      accepted = condition(
        "Accepted",
        true,
        Reason.Accepted,
        `attached to ${targets.length} target(s)${note}`,
        gen,
      );
    } else if (conflicts.length > 0) {
      accepted = condition(
        "Accepted",
        false,
        Reason.Conflicted,
        `every target is taken: ${conflicts.join(", ")}`,
        gen,
      );
    } else {
      const first = ev.problems[0];
      accepted = condition(
        "Accepted",
        false,
        first?.reason ?? Reason.TargetNotFound,
        first ? "no target could be resolved" : "no targets",
        gen,
      );
    }
    if (targets.length === 0) {
      statuses.push(policyStatus(ev.ref, gen, [accepted, resolved]));
      continue;
    }
    const ref = keyOf(ev.ref);
    const spec = ev.policy.spec;
    const limits = limitsOf(ev.policy, ref);
    const applied: string[] = [];
    for (const [gwKey, snapshot] of snapshots) {
      const routes = routesOn(snapshot, gwKey, targets);
      if (routes.length === 0) continue;
      applied.push(gwKey);
      const list = perGateway.get(gwKey) ?? [];
      list.push({
        ref,
        routes,
        counters: spec.counters ?? "Local",
        failOpen: {
          rateLimits: (spec.failureMode?.rateLimits ?? "Open") === "Open",
          budgets: (spec.failureMode?.budgets ?? "Closed") === "Open",
        },
        limits,
        // spec.prices first, then the ConfigMap's: first match wins, the built-in table last
        prices: [...(spec.prices ?? []), ...(extraPrices.get(ev.policy) ?? [])].map((p) => ({
          ...(p.provider ? { provider: p.provider } : {}),
          model: p.model,
          inputPerMillionMicros: toMicros(p.inputPerMillion),
          outputPerMillionMicros: toMicros(p.outputPerMillion),
        })),
      });
      perGateway.set(gwKey, list);
    }
    const conditions = [accepted, resolved];
    if ((spec.counters ?? "Local") === "Global")
      conditions.push(countersCondition(ref, spec, applied, dataPlane, gen));
    statuses.push(policyStatus(ev.ref, gen, conditions, policyUsage(ref, limits, applied, dataPlane)));
  }
  for (const [k, list] of perGateway)
    perGateway.set(
      k,
      sortBy(list, (p) => [p.ref]),
    );
  for (const bad of invalid) statuses.push(invalidPolicyStatus(bad));
  return { perGateway, statuses };
}
