// AgentgatewayBackend policies.health -> the snapshot's per-provider `health`, and the
// ProvidersHealthy condition from what the proxies report. A group provider's own policies.health
// replaces the backend's (policies merge field by field, as upstream). The unhealthyCondition is
// parsed here with the proxy's own parser, so an expression outside the supported CEL subset is
// Accepted=False at once instead of a proxy rejecting the snapshot.
import { ConditionError, parseCondition } from "../../../gateway/src/health/condition.ts";
import type { EjectedEntry } from "../../../gateway/src/snapshot/protocol.ts";
import type { BackendConfig, ProviderConfig } from "../../../gateway/src/snapshot/schema.ts";
import type { HealthPolicy } from "../api/agentgateway-backend.ts";
import type { Condition } from "../api/meta.ts";
import { condition } from "./conditions.ts";
import { parseDuration } from "./duration.ts";
import { ConditionType, type Problem, Reason } from "./reasons.ts";
import type { DataPlaneState } from "./types.ts";

type HealthConfig = NonNullable<ProviderConfig["health"]>;

/** Upstream's default base ejection time. */
export const DEFAULT_EVICTION_DURATION_MS = 3_000;
const MIN_EVICTION_DURATION_MS = 1_000;

export function healthConfig(h: HealthPolicy | undefined, path: string): HealthConfig | Problem | undefined {
  if (h === undefined) return undefined;
  if (h.unhealthyCondition !== undefined) {
    try {
      parseCondition(h.unhealthyCondition);
    } catch (err) {
      if (!(err instanceof ConditionError)) throw err;
      return {
        reason: Reason.UnsupportedExpression,
        message: `${path}.unhealthyCondition: not supported: ${err.message} (supported: a CEL subset, comparisons of response.code with an integer, true, false, ||, &&, !, parentheses)`,
      };
    }
  }
  const e = h.eviction;
  let eviction: HealthConfig["eviction"];
  if (e !== undefined) {
    const durationMs = e.duration === undefined ? DEFAULT_EVICTION_DURATION_MS : parseDuration(e.duration);
    if (durationMs === undefined || durationMs < MIN_EVICTION_DURATION_MS)
      return {
        reason: Reason.InvalidHealthPolicy,
        message: `${path}.eviction.duration: '${e.duration}' must be a duration of at least 1s`,
      };
    eviction = {
      durationMs,
      ...(e.restoreHealth !== undefined ? { restoreHealth: e.restoreHealth / 100 } : {}),
      ...(e.consecutiveFailures !== undefined ? { consecutiveFailures: e.consecutiveFailures } : {}),
      ...(e.healthThreshold !== undefined ? { healthThreshold: e.healthThreshold / 100 } : {}),
    };
  }
  return {
    ...(h.unhealthyCondition !== undefined ? { unhealthyCondition: h.unhealthyCondition } : {}),
    ...(eviction ? { eviction } : {}),
  };
}

/** Ejected providers of one backend as reported for one Gateway's proxies. */
interface Reported {
  gateway: string;
  connectedProxies: number;
  ejected: (EjectedEntry & { proxies: number })[];
}

/**
 * ProvidersHealthy for a backend with policies.health on any provider (undefined otherwise):
 * False, naming every ejected provider, until when, and how many of which Gateway's proxies skip it.
 */
export function providersHealthy(
  config: BackendConfig,
  dataPlane: Readonly<Record<string, DataPlaneState>>,
  generation: number,
): Condition | undefined {
  if (!config.groups.some((g) => g.some((p) => p.health !== undefined))) return undefined;
  const reported: Reported[] = [];
  for (const gateway of Object.keys(dataPlane).sort()) {
    const state = dataPlane[gateway] as DataPlaneState;
    const ejected = (state.ejected ?? []).filter((e) => e.backend === config.ref);
    if (ejected.length > 0) reported.push({ gateway, connectedProxies: state.connectedProxies, ejected });
  }
  if (reported.length === 0)
    return condition(
      ConditionType.ProvidersHealthy,
      true,
      Reason.ProvidersHealthy,
      "no proxy has ejected a provider of this backend",
      generation,
    );
  const parts: string[] = [];
  for (const r of reported) {
    for (const e of [...r.ejected].sort((a, b) => a.provider.localeCompare(b.provider))) {
      parts.push(
        `provider ${e.provider} ejected until ${new Date(e.until).toISOString()} by ${e.proxies} of ${r.connectedProxies} proxies of Gateway ${r.gateway}`,
      );
    }
  }
  return condition(
    ConditionType.ProvidersHealthy,
    false,
    Reason.ProvidersEjected,
    `${parts.join("; ")} (policies.health)`,
    generation,
  );
}
