// The kinds the operator watches, cluster-wide.
export interface KindSpec {
  kind: string;
  apiVersion: string;
  /** Collection path, cluster-wide (list and watch). */
  path: string;
  namespaced: boolean;
  /** Its CRD may be missing (e.g. not upgraded with the chart): a 404 reads as "none exist". */
  optional?: boolean;
}

export const GATEWAY_CLASS: KindSpec = {
  kind: "GatewayClass",
  apiVersion: "gateway.networking.k8s.io/v1",
  path: "/apis/gateway.networking.k8s.io/v1/gatewayclasses",
  namespaced: false,
};
export const GATEWAY: KindSpec = {
  kind: "Gateway",
  apiVersion: "gateway.networking.k8s.io/v1",
  path: "/apis/gateway.networking.k8s.io/v1/gateways",
  namespaced: true,
};
export const HTTP_ROUTE: KindSpec = {
  kind: "HTTPRoute",
  apiVersion: "gateway.networking.k8s.io/v1",
  path: "/apis/gateway.networking.k8s.io/v1/httproutes",
  namespaced: true,
};
export const REFERENCE_GRANT: KindSpec = {
  kind: "ReferenceGrant",
  apiVersion: "gateway.networking.k8s.io/v1beta1",
  path: "/apis/gateway.networking.k8s.io/v1beta1/referencegrants",
  namespaced: true,
};
export const AI_ROUTE: KindSpec = {
  kind: "AIRoute",
  apiVersion: "agentgateway.dev/v1alpha1",
  path: "/apis/agentgateway.dev/v1alpha1/airoutes",
  namespaced: true,
};
export const BACKEND: KindSpec = {
  kind: "AgentgatewayBackend",
  apiVersion: "agentgateway.dev/v1alpha1",
  path: "/apis/agentgateway.dev/v1alpha1/agentgatewaybackends",
  namespaced: true,
};
export const POLICY: KindSpec = {
  kind: "AgentgatewayPolicy",
  apiVersion: "agentgateway.dev/v1alpha1",
  path: "/apis/agentgateway.dev/v1alpha1/agentgatewaypolicies",
  namespaced: true,
};

export const PARAMETERS: KindSpec = {
  kind: "AgentgatewayParameters",
  apiVersion: "agentgateway.dev/v1alpha1",
  path: "/apis/agentgateway.dev/v1alpha1/agentgatewayparameters",
  namespaced: true,
  optional: true,
};
export const SECRET: KindSpec = {
  kind: "Secret",
  apiVersion: "v1",
  path: "/api/v1/secrets",
  namespaced: true,
};
export const CONFIG_MAP: KindSpec = {
  kind: "ConfigMap",
  apiVersion: "v1",
  path: "/api/v1/configmaps",
  namespaced: true,
};
export const SERVICE: KindSpec = {
  kind: "Service",
  apiVersion: "v1",
  path: "/api/v1/services",
  namespaced: true,
};
export const NAMESPACE: KindSpec = {
  kind: "Namespace",
  apiVersion: "v1",
  path: "/api/v1/namespaces",
  namespaced: false,
};

export const WATCHED_KINDS: readonly KindSpec[] = [
  GATEWAY_CLASS,
  GATEWAY,
  HTTP_ROUTE,
  REFERENCE_GRANT,
  AI_ROUTE,
  BACKEND,
  PARAMETERS,
  POLICY,
  SECRET,
  CONFIG_MAP,
  SERVICE,
  NAMESPACE,
];

/** Path of one object (for status, patch and get). */
export function objectPath(spec: KindSpec, namespace: string | undefined, name: string): string {
  const [prefix, plural] = splitCollection(spec.path);
  const ns = spec.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${prefix}${ns}/${plural}/${encodeURIComponent(name)}`;
}

function splitCollection(path: string): [string, string] {
  const i = path.lastIndexOf("/");
  return [path.slice(0, i), path.slice(i + 1)];
}
