// Build a ResourceSet from loose manifests (standalone YAML files, the operator's informer caches,
// golden tests). Objects are only sorted into lists by apiVersion group and kind, sorted by
// namespace/name; they are NOT validated here: translate() validates every object and reports the
// invalid ones. `kind: List` (and *List) objects are flattened; namespaced objects without a
// namespace land in "default", as with kubectl. Unknown kinds are ignored.
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
import { compareTuples } from "./sorting.ts";
import type { DataPlaneState, ResourceSet } from "./types.ts";

type ListName = Exclude<keyof ResourceSet, "dataPlane">;

interface KindInfo {
  group: string;
  list: ListName;
  namespaced: boolean;
}

const KINDS: Record<string, KindInfo> = {
  GatewayClass: { group: "gateway.networking.k8s.io", list: "gatewayClasses", namespaced: false },
  Gateway: { group: "gateway.networking.k8s.io", list: "gateways", namespaced: true },
  HTTPRoute: { group: "gateway.networking.k8s.io", list: "httpRoutes", namespaced: true },
  ReferenceGrant: { group: "gateway.networking.k8s.io", list: "referenceGrants", namespaced: true },
  AIRoute: { group: "agentgateway.dev", list: "aiRoutes", namespaced: true },
  AgentgatewayBackend: { group: "agentgateway.dev", list: "backends", namespaced: true },
  AgentgatewayPolicy: { group: "agentgateway.dev", list: "policies", namespaced: true },
  Secret: { group: "", list: "secrets", namespaced: true },
  ConfigMap: { group: "", list: "configMaps", namespaced: true },
  Service: { group: "", list: "services", namespaced: true },
  Namespace: { group: "", list: "namespaces", namespaced: false },
};

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function groupOf(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== "string") return undefined;
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

function flatten(objects: readonly unknown[]): Obj[] {
  const out: Obj[] = [];
  for (const o of objects) {
    if (!isObj(o)) continue;
    if (typeof o.kind === "string" && o.kind.endsWith("List") && Array.isArray(o.items))
      out.push(...flatten(o.items));
    else out.push(o);
  }
  return out;
}

function withDefaultNamespace(o: Obj, info: KindInfo): Obj {
  const meta = o.metadata;
  if (!info.namespaced || !isObj(meta) || typeof meta.namespace === "string") return o;
  return { ...o, metadata: { ...meta, namespace: "default" } };
}

function sortKey(o: Obj): string[] {
  const meta = isObj(o.metadata) ? o.metadata : {};
  const ns = typeof meta.namespace === "string" ? meta.namespace : "";
  const name = typeof meta.name === "string" ? meta.name : "";
  return [ns, name];
}

export function resourceSetFromObjects(
  objects: readonly unknown[],
  dataPlane: Record<string, DataPlaneState> = {},
): ResourceSet {
  const lists: Record<ListName, Obj[]> = {
    gatewayClasses: [],
    gateways: [],
    aiRoutes: [],
    httpRoutes: [],
    backends: [],
    policies: [],
    referenceGrants: [],
    secrets: [],
    configMaps: [],
    services: [],
    namespaces: [],
  };
  for (const o of flatten(objects)) {
    const info = typeof o.kind === "string" && Object.hasOwn(KINDS, o.kind) ? KINDS[o.kind] : undefined;
    if (!info || groupOf(o.apiVersion) !== info.group) continue;
    lists[info.list].push(withDefaultNamespace(o, info));
  }
  const sorted = (l: Obj[]) => [...l].sort((a, b) => compareTuples(sortKey(a), sortKey(b)));
  // Unvalidated on purpose: translate() checks each object against its schema.
  return {
    gatewayClasses: sorted(lists.gatewayClasses) as unknown as GatewayClass[],
    gateways: sorted(lists.gateways) as unknown as Gateway[],
    aiRoutes: sorted(lists.aiRoutes) as unknown as AIRoute[],
    httpRoutes: sorted(lists.httpRoutes) as unknown as HTTPRoute[],
    backends: sorted(lists.backends) as unknown as AgentgatewayBackend[],
    policies: sorted(lists.policies) as unknown as AgentgatewayPolicy[],
    referenceGrants: sorted(lists.referenceGrants) as unknown as ReferenceGrant[],
    secrets: sorted(lists.secrets) as unknown as Secret[],
    configMaps: sorted(lists.configMaps) as unknown as ConfigMap[],
    services: sorted(lists.services) as unknown as Service[],
    namespaces: sorted(lists.namespaces) as unknown as Namespace[],
    dataPlane: { ...dataPlane },
  };
}
