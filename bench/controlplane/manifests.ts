// The objects of the control-plane bench: one GatewayClass/Gateway, a provider Secret, backends
// pointing at the simulator over plain HTTP, and one-hostname AIRoutes.
export const CONTROLLER_NAME = "agentgateway.dev/ai-gateway";
export const NS = "bench";
export const GW = "bench-gw";
export const CLASS = "ai-gateway-bench";
export const SECRET = "provider-key";

export type Obj = Record<string, unknown> & {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
};

export function namespace(name: string): Obj {
  return { apiVersion: "v1", kind: "Namespace", metadata: { name } };
}

export function gatewayClass(): Obj {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { name: CLASS },
    spec: { controllerName: CONTROLLER_NAME },
  };
}

export function gateway(): Obj {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "Gateway",
    metadata: { name: GW, namespace: NS },
    spec: {
      gatewayClassName: CLASS,
      listeners: [
        { name: "http", port: 80, protocol: "HTTP", allowedRoutes: { namespaces: { from: "Same" } } },
      ],
    },
  };
}

export function secret(key: string): Obj {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: SECRET, namespace: NS },
    type: "Opaque",
    stringData: { apiKey: key },
  };
}

export function backend(name: string, sim: { host: string; port: number }): Obj {
  return {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AgentgatewayBackend",
    metadata: { name, namespace: NS },
    spec: {
      ai: { provider: { openai: {}, host: sim.host, port: sim.port, plaintext: true } },
      policies: { auth: { secretRef: { name: SECRET } } },
    },
  };
}

export function airoute(name: string, hostname: string, backendName: string): Obj {
  return {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AIRoute",
    metadata: { name, namespace: NS },
    spec: {
      parentRefs: [{ name: GW, namespace: NS }],
      hostnames: [hostname],
      rules: [{ backendRefs: [{ name: backendName }] }],
    },
  };
}
