// Lenient subsets of the Gateway API and core kinds we read. Their CRDs are upstream's; we never
// generate them. Unknown fields pass through so a newer Gateway API release does not break us.
import { z } from "zod";
import { Duration, HeaderMatch, PathMatch } from "./airoute.ts";
import { Condition, ObjectMeta, ParentReference } from "./meta.ts";

export const CONTROLLER_NAME = "agentgateway.dev/ai-gateway";
export const GATEWAY_GROUP = "gateway.networking.k8s.io";
export const AGENTGATEWAY_GROUP = "agentgateway.dev";

export const GatewayClass = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal("GatewayClass"),
  metadata: ObjectMeta,
  spec: z.looseObject({ controllerName: z.string(), description: z.string().optional() }),
});
export type GatewayClass = z.infer<typeof GatewayClass>;

export const Listener = z.looseObject({
  name: z.string(),
  hostname: z.string().optional(),
  port: z.number().int(),
  protocol: z.string(),
  allowedRoutes: z
    .looseObject({
      namespaces: z
        .looseObject({
          from: z.enum(["All", "Same", "Selector"]).optional(),
          selector: z
            .looseObject({
              matchLabels: z.record(z.string(), z.string()).optional(),
              matchExpressions: z
                .array(
                  z.object({ key: z.string(), operator: z.string(), values: z.array(z.string()).optional() }),
                )
                .optional(),
            })
            .optional(),
        })
        .optional(),
      kinds: z.array(z.object({ group: z.string().optional(), kind: z.string() })).optional(),
    })
    .optional(),
});
export type Listener = z.infer<typeof Listener>;

export const Gateway = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal("Gateway"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    gatewayClassName: z.string(),
    listeners: z.array(Listener),
    addresses: z.array(z.looseObject({ type: z.string().optional(), value: z.string() })).optional(),
  }),
  status: z.looseObject({ conditions: z.array(Condition).optional() }).optional(),
});
export type Gateway = z.infer<typeof Gateway>;

export const HTTPBackendRef = z.looseObject({
  group: z.string().optional(),
  kind: z.string().optional(),
  name: z.string(),
  namespace: z.string().optional(),
  port: z.number().int().optional(),
  weight: z.number().int().optional(),
});

export const HTTPRouteFilter = z.looseObject({
  type: z.string(),
  urlRewrite: z
    .looseObject({
      hostname: z.string().optional(),
      path: z
        .looseObject({
          type: z.enum(["ReplaceFullPath", "ReplacePrefixMatch"]),
          replaceFullPath: z.string().optional(),
          replacePrefixMatch: z.string().optional(),
        })
        .optional(),
    })
    .optional(),
});
export type HTTPRouteFilter = z.infer<typeof HTTPRouteFilter>;

export const HTTPRoute = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal("HTTPRoute"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    parentRefs: z.array(ParentReference).optional(),
    hostnames: z.array(z.string()).optional(),
    rules: z
      .array(
        z.looseObject({
          matches: z
            .array(
              z.looseObject({
                path: PathMatch.optional(),
                headers: z.array(HeaderMatch).optional(),
              }),
            )
            .optional(),
          filters: z.array(HTTPRouteFilter).optional(),
          backendRefs: z.array(HTTPBackendRef).optional(),
          timeouts: z
            .looseObject({ request: Duration.optional(), backendRequest: Duration.optional() })
            .optional(),
        }),
      )
      .optional(),
  }),
  status: z.looseObject({ parents: z.array(z.looseObject({})).optional() }).optional(),
});
export type HTTPRoute = z.infer<typeof HTTPRoute>;

export const ReferenceGrant = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal("ReferenceGrant"),
  metadata: ObjectMeta,
  spec: z.looseObject({
    from: z.array(z.object({ group: z.string(), kind: z.string(), namespace: z.string() })),
    to: z.array(z.object({ group: z.string(), kind: z.string(), name: z.string().optional() })),
  }),
});
export type ReferenceGrant = z.infer<typeof ReferenceGrant>;

/** core/v1 Secret: data is base64, stringData plain (standalone files may use either). */
export const Secret = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal("Secret"),
  metadata: ObjectMeta,
  type: z.string().optional(),
  data: z.record(z.string(), z.string()).optional(),
  stringData: z.record(z.string(), z.string()).optional(),
});
export type Secret = z.infer<typeof Secret>;

/** core/v1 ConfigMap: plain data (AgentgatewayPolicy prices). */
export const ConfigMap = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal("ConfigMap"),
  metadata: ObjectMeta,
  data: z.record(z.string(), z.string()).optional(),
});
export type ConfigMap = z.infer<typeof ConfigMap>;

/** core/v1 Service: only what status.addresses needs. */
export const Service = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal("Service"),
  metadata: ObjectMeta,
  spec: z.looseObject({ clusterIP: z.string().optional(), type: z.string().optional() }).optional(),
  status: z
    .looseObject({
      loadBalancer: z
        .looseObject({
          ingress: z
            .array(z.looseObject({ ip: z.string().optional(), hostname: z.string().optional() }))
            .optional(),
        })
        .optional(),
    })
    .optional(),
});
export type Service = z.infer<typeof Service>;

export const Namespace = z.looseObject({
  apiVersion: z.string(),
  kind: z.literal("Namespace"),
  metadata: ObjectMeta,
});
export type Namespace = z.infer<typeof Namespace>;

export { ParentReference };
