// Reading objects and their conditions back with the real kubectl.
import type { ControlPlane } from "../harness/control-plane.ts";

export interface Cond {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime?: string;
}

export interface Obj {
  metadata: { name: string; namespace?: string; generation?: number; resourceVersion?: string };
  status?: {
    conditions?: Cond[];
    listeners?: { name: string; attachedRoutes: number; conditions: Cond[] }[];
    parents?: { controllerName: string; parentRef: { name: string }; conditions: Cond[] }[];
  };
}

export async function getObj(cp: ControlPlane, resource: string, ns: string, name: string): Promise<Obj> {
  const r = await cp.kubectl(["get", resource, name, "-n", ns, "-o", "json"]);
  if (r.code !== 0) throw new Error(`kubectl get ${resource} ${ns}/${name}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Obj;
}

export function cond(conds: Cond[] | undefined, type: string): Cond {
  const c = conds?.find((x) => x.type === type);
  if (!c) throw new Error(`no ${type} condition in ${JSON.stringify(conds)}`);
  return c;
}

/** Our parents[] entry's condition of a route. */
export function routeCond(obj: Obj, type: string, controllerName = "agentgateway.dev/ai-gateway"): Cond {
  const parent = obj.status?.parents?.find((p) => p.controllerName === controllerName);
  if (!parent) throw new Error(`no parents[] entry of ours in ${JSON.stringify(obj.status)}`);
  return cond(parent.conditions, type);
}

export function listenerCond(obj: Obj, listener: string, type: string): Cond {
  const l = obj.status?.listeners?.find((x) => x.name === listener);
  if (!l) throw new Error(`no listener ${listener} in ${JSON.stringify(obj.status)}`);
  return cond(l.conditions, type);
}

export const GATEWAY_CLASS_YAML = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: agentgateway
spec:
  controllerName: agentgateway.dev/ai-gateway
`;

/** Gateway `gw` in `ns`: class agentgateway, one HTTP listener on port 80. */
export function gatewayYaml(ns: string): string {
  return `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: ${ns}
spec:
  gatewayClassName: agentgateway
  listeners:
    - name: http
      port: 80
      protocol: HTTP
`;
}

/** gatewayYaml(ns) and an AIRoute `route` on it whose one rule sends to `backend`. */
export function gatewayWithRouteYaml(ns: string, route: string, backend: string): string {
  return `${gatewayYaml(ns)}---
apiVersion: agentgateway.dev/v1alpha1
kind: AIRoute
metadata:
  name: ${route}
  namespace: ${ns}
spec:
  parentRefs:
    - name: gw
  rules:
    - backendRefs:
        - name: ${backend}
`;
}
