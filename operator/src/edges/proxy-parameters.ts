// Which AgentgatewayParameters shape a Gateway's proxies: the GatewayClass's `spec.parametersRef`
// (the chart's defaults live there), overridden field by field by the Gateway's own
// `spec.infrastructure.parametersRef` (same namespace). Pure: objects in, deployment settings out.
// A reference to another kind, or to a missing or invalid object, contributes nothing.
import {
  AgentgatewayParametersSpec,
  type ProxyAutoscaling,
  type ProxyRedis,
} from "../api/agentgateway-parameters.ts";
import { AGENTGATEWAY_GROUP } from "../api/gateway-api.ts";

export type ProxyDeployment = {
  replicas: number;
  /** PodDisruptionBudget maxUnavailable. */
  maxUnavailable: number;
  autoscaling?: ProxyAutoscaling;
  redis?: ProxyRedis;
  /** --workers: 0 is auto. */
  workers?: number;
};

export const DEFAULT_PROXY_DEPLOYMENT: ProxyDeployment = { replicas: 1, maxUnavailable: 1 };
export const PARAMETERS_KIND = "AgentgatewayParameters";

type Lookup = (namespace: string, name: string) => unknown;

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** The referenced parameters' spec, when `ref` names a valid AgentgatewayParameters. */
function referenced(
  ref: unknown,
  defaultNamespace: string | undefined,
  get: Lookup,
): AgentgatewayParametersSpec | undefined {
  const r = record(ref);
  if (!r || r.group !== AGENTGATEWAY_GROUP || r.kind !== PARAMETERS_KIND || typeof r.name !== "string")
    return undefined;
  const namespace = typeof r.namespace === "string" ? r.namespace : defaultNamespace;
  if (!namespace) return undefined;
  const parsed = AgentgatewayParametersSpec.safeParse(record(get(namespace, r.name))?.spec);
  return parsed.success ? parsed.data : undefined;
}

function merge(base: ProxyDeployment, spec: AgentgatewayParametersSpec | undefined): ProxyDeployment {
  if (!spec) return base;
  const out: ProxyDeployment = {
    replicas: spec.replicas ?? base.replicas,
    maxUnavailable: spec.podDisruptionBudget?.maxUnavailable ?? base.maxUnavailable,
  };
  const autoscaling = spec.autoscaling ?? base.autoscaling;
  if (autoscaling) out.autoscaling = autoscaling;
  const redis = spec.redis ?? base.redis;
  if (redis) out.redis = redis;
  const workers = spec.workers ?? base.workers;
  if (workers !== undefined) out.workers = workers;
  return out;
}

export function resolveProxyDeployment(opts: {
  gateway: unknown;
  gatewayClass: unknown;
  getParameters: Lookup;
}): ProxyDeployment {
  const gwNamespace = record(record(opts.gateway)?.metadata)?.namespace;
  const classRef = record(record(opts.gatewayClass)?.spec)?.parametersRef;
  const gwRef = record(record(record(opts.gateway)?.spec)?.infrastructure)?.parametersRef;
  // A GatewayClass is cluster-scoped: its parametersRef must name the namespace.
  const fromClass = referenced(classRef, undefined, opts.getParameters);
  const fromGateway = referenced(
    gwRef,
    typeof gwNamespace === "string" ? gwNamespace : undefined,
    opts.getParameters,
  );
  return merge(merge(DEFAULT_PROXY_DEPLOYMENT, fromClass), fromGateway);
}
