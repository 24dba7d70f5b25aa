// The translator's inputs and outputs. translate(resourceSet, settings) is PURE: no I/O, no clock,
// no randomness; equal inputs give deep-equal outputs; every list it returns is sorted.

import type { EjectedEntry, UsageEntry } from "../../../gateway/src/snapshot/protocol.ts";
import type { GatewayConfig, ListenerConfig } from "../../../gateway/src/snapshot/schema.ts";
import type { AgentgatewayBackend } from "../api/agentgateway-backend.ts";
import type { AgentgatewayPolicy } from "../api/agentgateway-policy.ts";
import type { AIRoute } from "../api/airoute.ts";
import type {
  ConfigMap,
  Gateway,
  GatewayClass,
  HTTPRoute,
  Namespace,
  ReferenceGrant,
  Secret,
  Service,
} from "../api/gateway-api.ts";
import type { Condition } from "../api/meta.ts";

/** What the data plane reported for one Gateway; fed back in so `Programmed` is data too. */
export interface DataPlaneState {
  /** Proxies currently subscribed to this Gateway's snapshots. */
  connectedProxies: number;
  /** Listeners of the newest snapshot a connected proxy acked; undefined when none acked. */
  ackedListeners?: ListenerConfig[];
  /** The proxies' AgentgatewayPolicy counters (Local ones summed, Global ones shared) and, per
   * policy, how many proxies could not reach its Global counters lately. */
  usage?: { entries: UsageEntry[]; unavailable: Record<string, number> };
  /** Gateway listener ports a proxy serving that snapshot could not bind (it keeps retrying). */
  unavailablePorts?: { port: number; reason: string }[];
  /** Providers the proxies have ejected (policies.health): the latest end, and how many proxies. */
  ejected?: (EjectedEntry & { proxies: number })[];
}

/** The world as the sources saw it. Lists are sorted by namespace/name by the source. */
export interface ResourceSet {
  gatewayClasses: GatewayClass[];
  gateways: Gateway[];
  aiRoutes: AIRoute[];
  httpRoutes: HTTPRoute[];
  backends: AgentgatewayBackend[];
  /** AgentgatewayPolicies (spend control). Optional so older callers keep compiling. */
  policies?: AgentgatewayPolicy[];
  referenceGrants: ReferenceGrant[];
  /** Only Secrets referenced by backends or clientAuth (sources filter; the translator doesn't care). */
  secrets: Secret[];
  /** Only ConfigMaps referenced by policies (pricesFrom). Optional so older callers keep compiling. */
  configMaps?: ConfigMap[];
  /** Services named like their Gateway (same namespace): status.addresses comes from them. */
  services: Service[];
  /** Namespaces, for listener allowedRoutes selectors. */
  namespaces: Namespace[];
  /** Keyed by "<namespace>/<name>" of the Gateway. */
  dataPlane: Record<string, DataPlaneState>;
}

export interface Settings {
  /** Our GatewayClass controllerName. */
  controllerName: string;
  /** Dev-only: send every provider's default endpoint (and Entra's token endpoint) to this base URL (e.g. http://127.0.0.1:9000). */
  providerOverride?: string;
}

/** A status to write, keyed by the object it belongs to. `status` replaces OUR part of it:
 * for routes, only the parents[] entries whose controllerName is ours. */
export type ObjectStatus =
  | {
      kind: "GatewayClass";
      namespace?: undefined;
      name: string;
      generation: number;
      status: GatewayClassStatus;
    }
  | { kind: "Gateway"; namespace: string; name: string; generation: number; status: GatewayStatus }
  | {
      kind: "AIRoute" | "HTTPRoute";
      namespace: string;
      name: string;
      generation: number;
      status: RouteStatus;
    }
  | {
      kind: "AgentgatewayBackend";
      namespace: string;
      name: string;
      generation: number;
      status: BackendStatus;
    }
  | {
      kind: "AgentgatewayPolicy";
      namespace: string;
      name: string;
      generation: number;
      status: PolicyStatus;
    };

export interface GatewayClassStatus {
  conditions: Condition[];
}
export interface ListenerStatus {
  name: string;
  supportedKinds: { group: string; kind: string }[];
  attachedRoutes: number;
  conditions: Condition[];
}
export interface GatewayStatus {
  addresses?: { type: string; value: string }[];
  conditions: Condition[];
  listeners: ListenerStatus[];
}
export interface RouteParentStatus {
  parentRef: {
    group?: string;
    kind?: string;
    namespace?: string;
    name: string;
    sectionName?: string;
    port?: number;
  };
  controllerName: string;
  conditions: Condition[];
}
export interface RouteStatus {
  parents: RouteParentStatus[];
}
export interface BackendStatus {
  conditions: Condition[];
}
export interface PolicyStatus {
  conditions: Condition[];
  /** Counters reported by the proxies (see policies.ts policyUsage). */
  usage?: PolicyUsageRow[];
  usageTruncated?: boolean;
}

export interface PolicyUsageRow {
  limit: string;
  key: string;
  window: "Second" | "Minute" | "Hour" | "Day" | "Week" | "Month";
  windowStart: string;
  unit: "requests" | "tokens" | "microdollars";
  used: number;
  capacity: number;
  remaining: number;
}

export interface TranslateResult {
  /** One per Gateway of our class, keyed by "<namespace>/<name>", keys sorted. */
  snapshots: Record<string, GatewayConfig>;
  /** Sorted by kind, namespace, name. Conditions carry no lastTransitionTime (the writer sets it). */
  statuses: ObjectStatus[];
}
