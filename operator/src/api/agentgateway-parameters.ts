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
