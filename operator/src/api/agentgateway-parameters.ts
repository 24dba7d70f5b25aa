// AgentgatewayParameters: how the proxies of a Gateway are deployed (replicas, disruption budget,
// autoscaling), referenced Gateway API style from a GatewayClass (`spec.parametersRef`) or a
// Gateway (`spec.infrastructure.parametersRef`, same namespace). A Gateway's parameters override
// its class's field by field; the chart's defaults are the class's parameters object.
import { z } from "zod";
import { ObjectMeta } from "./meta.ts";

export const ProxyAutoscaling = z
  .strictObject({
    minReplicas: z.number().int().min(1).max(100).meta({ description: "Lower bound of the replica count." }),
    maxReplicas: z.number().int().min(1).max(100).meta({ description: "Upper bound of the replica count." }),
    targetCPUUtilizationPercentage: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: "Average CPU utilization (of the requests) to aim for. Default 80." }),
  })
  .meta({
    description:
      "A HorizontalPodAutoscaler (autoscaling/v2) for the proxy Deployment; `replicas` is then left to it.",
    "x-kubernetes-validations": [
      { rule: "self.minReplicas <= self.maxReplicas", message: "minReplicas must not exceed maxReplicas" },
    ],
  });
export type ProxyAutoscaling = z.infer<typeof ProxyAutoscaling>;

export const ProxyDisruptionBudget = z
  .strictObject({
    maxUnavailable: z.number().int().min(0).optional().meta({
      description: "Proxies that may be down at once by voluntary disruptions (drains). Default 1.",
    }),
  })
  .meta({ description: "The PodDisruptionBudget every Gateway's proxies get." });

export const ProxyRedis = z
  .strictObject({
    url: z
      .string()
      .max(2048)
      .regex(/^rediss?:\/\/[^\s]+$/)
      .meta({
        description:
          "redis://host:port or rediss://host:port (TLS), e.g. redis://redis.ai-gateway-system:6379.",
      }),
    passwordSecretRef: z
      .strictObject({
        name: z.string().min(1).max(253).meta({ description: "A Secret in the Gateway's own namespace." }),
        key: z.string().min(1).max(253).optional().meta({ description: "Its entry. Default password." }),
      })
      .optional()
      .meta({
        description:
          "The Redis password, read by the proxy pods from a Secret in each Gateway's namespace (never copied across namespaces).",
      }),
  })
  .meta({
    description:
      "Redis for AgentgatewayPolicy counters: Global: counters shared by every proxy and Gateway that uses it.",
  });
export type ProxyRedis = z.infer<typeof ProxyRedis>;

export const AgentgatewayParametersSpec = z
  .strictObject({
    replicas: z
      .number()
      .int()
      .min(0)
      .max(100)
      .optional()
      .meta({ description: "Proxy replicas per Gateway (without autoscaling). Default 1." }),
    podDisruptionBudget: ProxyDisruptionBudget.optional(),
    autoscaling: ProxyAutoscaling.optional(),
    redis: ProxyRedis.optional(),
    workers: z.number().int().min(0).max(64).optional().meta({
      description:
        "Processes serving each proxy pod's listeners (--workers); 0 means one per CPU the pod may use (its CPU limit). Default 1.",
    }),
  })
  .meta({
    description: "Deployment of a Gateway's proxies. Unset fields fall back to the class's parameters.",
  });
export type AgentgatewayParametersSpec = z.infer<typeof AgentgatewayParametersSpec>;

export const AgentgatewayParameters = z.strictObject({
  apiVersion: z.literal("agentgateway.dev/v1alpha1"),
  kind: z.literal("AgentgatewayParameters"),
  metadata: ObjectMeta,
  spec: AgentgatewayParametersSpec,
});
export type AgentgatewayParameters = z.infer<typeof AgentgatewayParameters>;
