// Spend-control metrics. Labels are bounded: `limit` is "<policy ns>/<name>/<class>/<index>" from the
// snapshot; `key` is a client key id (Secret entry name), a route, a namespace, or the literal
// "header" for header-keyed limits (header values are never label values); `model` comes through
// ModelLabels. Never a key value.
import { Counter, Gauge, type Registry } from "prom-client";

export interface PolicyMetrics {
  spent: Counter<"limit" | "key" | "unit" | "route" | "model">;
  remaining: Gauge<"limit" | "key" | "unit">;
  refused: Counter<"limit" | "key" | "class">;
  storeErrors: Counter<"outcome">;
}

export function createPolicyMetrics(registry: Registry): PolicyMetrics {
  const registers = [registry];
  return {
    spent: new Counter({
      name: "ai_gateway_policy_spent_total",
      help: "Amount settled on policy counters (requests, tokens or microdollars), by limit, key, route and model.",
      labelNames: ["limit", "key", "unit", "route", "model"],
      registers,
    }),
    remaining: new Gauge({
      name: "ai_gateway_policy_remaining",
      help: "What is left of a limit in its current window, as last seen by this proxy.",
      labelNames: ["limit", "key", "unit"],
      // worker mode: the workers share one counter; the lowest is the latest
      aggregator: "min",
      registers,
    }),
    refused: new Counter({
      name: "ai_gateway_policy_refused_total",
      help: "Requests refused because a rate limit or budget did not fit.",
      labelNames: ["limit", "key", "class"],
      registers,
    }),
    storeErrors: new Counter({
      name: "ai_gateway_policy_store_errors_total",
      help: "Counter store (Redis) failures, by what was done: open (let through), closed (refused), settle_failed.",
      labelNames: ["outcome"],
      registers,
    }),
  };
}
