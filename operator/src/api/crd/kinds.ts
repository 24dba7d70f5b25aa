// What a CRD needs beyond the zod schema: names, scope, printer columns, and the few CRD-only
// schema additions. One entry per kind we own; `npm run gen` writes crds/ and the reference docs
// from this list.
import type { z } from "zod";
import { AgentgatewayBackend } from "../agentgateway-backend.ts";
import { AgentgatewayParameters } from "../agentgateway-parameters.ts";
import { AgentgatewayPolicy } from "../agentgateway-policy.ts";
import { AIRoute } from "../airoute.ts";
import { AGENTGATEWAY_GROUP } from "../gateway-api.ts";
import type { SchemaOverride } from "./overrides.ts";

export const CRD_VERSION = "v1alpha1";

export type PrinterColumn = {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description: string;
  /** 0: always shown; higher: only with `-o wide`. */
  priority?: number;
};

export type CrdKind = {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  /** Where the zod schema lives (named in the generated file's header). */
  source: string;
  description: string;
  schema: z.ZodType;
  /** A small valid object, shown in the reference docs (and applied by the e2e test). */
  example: Record<string, unknown>;
  printerColumns: PrinterColumn[];
  overrides: SchemaOverride[];
};

/** JSONPath to the status of condition `type` in the conditions list at `prefix`. */
const condition = (prefix: string, type: string): string =>
  `${prefix}.conditions[?(@.type=="${type}")].status`;

const age: PrinterColumn = {
  name: "Age",
  type: "date",
  jsonPath: ".metadata.creationTimestamp",
  description: "Time since the object was created.",
};

const CATEGORIES = ["ai-gateway"];

export const AGENTGATEWAY_BACKEND_CRD: CrdKind = {
  group: AGENTGATEWAY_GROUP,
  version: CRD_VERSION,
  kind: "AgentgatewayBackend",
  listKind: "AgentgatewayBackendList",
  plural: "agentgatewaybackends",
  singular: "agentgatewaybackend",
  shortNames: ["agbe"],
  categories: CATEGORIES,
  source: "operator/src/api/agentgateway-backend.ts",
  description:
    "An LLM backend: one provider (OpenAI, Azure OpenAI, Gemini, Anthropic) or priority groups of providers, and how the gateway authenticates to it. AIRoutes send traffic here; clients never see the provider credential.",
  schema: AgentgatewayBackend,
  example: {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AgentgatewayBackend",
    metadata: { name: "anthropic", namespace: "ai" },
    spec: {
      ai: { provider: { anthropic: { model: "claude-sonnet-4-5" } } },
      policies: { auth: { secretRef: { name: "anthropic-key", key: "apiKey" } } },
    },
  } satisfies AgentgatewayBackend,
  printerColumns: [
    {
      // kubectl's JSONPath cannot print a key's name, so this shows the provider object itself,
      // e.g. {"openai":{"model":"gpt-4o-mini"}}.
      name: "Provider",
      type: "string",
      jsonPath: ".spec.ai.provider",
      description: "The provider of a single-provider backend (empty when it uses priority groups).",
    },
    {
      name: "Model",
      type: "string",
      jsonPath: ".spec.ai..model",
      description: "Model forced by the (first) provider, if any.",
      priority: 1,
    },
    {
      name: "Accepted",
      type: "string",
      jsonPath: condition(".status", "Accepted"),
      description: "Whether the controller accepted this backend.",
    },
    age,
  ],
  overrides: [
    {
      path: "spec",
      set: {},
      unrequire: ["ai"],
      reason:
        "an upstream manifest of another backend kind (static, mcp, a2a, ...) has no ai: the apiserver must reach the CEL rules that name its field, which it skips while a required field is missing; spec's own rule requires ai",
    },
  ],
};

export const AIROUTE_CRD: CrdKind = {
  group: AGENTGATEWAY_GROUP,
  version: CRD_VERSION,
  kind: "AIRoute",
  listKind: "AIRouteList",
  plural: "airoutes",
  singular: "airoute",
  shortNames: ["air"],
  categories: CATEGORIES,
  source: "operator/src/api/airoute.ts",
  description:
    "Attaches LLM backends to Gateway listeners, shaped like an HTTPRoute: parentRefs pick the Gateways, rules match requests (path, headers, model) and send them to AgentgatewayBackends.",
  schema: AIRoute,
  example: {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AIRoute",
    metadata: { name: "chat", namespace: "ai" },
    spec: {
      parentRefs: [{ name: "llm-gateway" }],
      rules: [
        {
          matches: [{ model: "claude-*" }],
          backendRefs: [{ name: "anthropic" }],
          timeouts: { request: "60s" },
        },
      ],
    },
  } satisfies AIRoute,
  printerColumns: [
    {
      name: "Gateways",
      type: "string",
      jsonPath: ".spec.parentRefs[*].name",
      description: "Gateway the route attaches to (the first parentRef; -o yaml lists all).",
    },
    {
      name: "Accepted",
      type: "string",
      jsonPath: condition(".status.parents[*]", "Accepted"),
      description: "Accepted condition of the route on its first parent Gateway.",
    },
    age,
  ],
  overrides: [],
};

export const AGENTGATEWAY_PARAMETERS_CRD: CrdKind = {
  group: AGENTGATEWAY_GROUP,
  version: CRD_VERSION,
  kind: "AgentgatewayParameters",
  listKind: "AgentgatewayParametersList",
  plural: "agentgatewayparameters",
  singular: "agentgatewayparameters",
  shortNames: ["agparams"],
  categories: CATEGORIES,
  source: "operator/src/api/agentgateway-parameters.ts",
  description:
    "How the proxies of a Gateway are deployed: replicas, PodDisruptionBudget, optional HorizontalPodAutoscaler. Referenced from a GatewayClass (spec.parametersRef) or a Gateway (spec.infrastructure.parametersRef); a Gateway's parameters override its class's field by field.",
  schema: AgentgatewayParameters,
  example: {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AgentgatewayParameters",
    metadata: { name: "two-proxies", namespace: "ai" },
    spec: { replicas: 2, podDisruptionBudget: { maxUnavailable: 1 } },
  } satisfies AgentgatewayParameters,
  printerColumns: [
    {
      name: "Replicas",
      type: "integer",
      jsonPath: ".spec.replicas",
      description: "Proxy replicas per Gateway (without autoscaling).",
    },
    {
      name: "MaxReplicas",
      type: "integer",
      jsonPath: ".spec.autoscaling.maxReplicas",
      description: "Upper bound when autoscaled.",
    },
    age,
  ],
  overrides: [],
};

/** Every CRD we own, in the order they are generated and documented. */
export const AGENTGATEWAY_POLICY_CRD: CrdKind = {
  group: AGENTGATEWAY_GROUP,
  version: CRD_VERSION,
  kind: "AgentgatewayPolicy",
  listKind: "AgentgatewayPolicyList",
  plural: "agentgatewaypolicies",
  singular: "agentgatewaypolicy",
  shortNames: ["agpol"],
  categories: CATEGORIES,
  source: "operator/src/api/agentgateway-policy.ts",
  description:
    "Spend control attached (Gateway API Policy Attachment) to a Gateway, AIRoute, HTTPRoute or AgentgatewayBackend: request and token rate limits and hard token or dollar budgets, keyed by client key, header, route or namespace.",
  schema: AgentgatewayPolicy,
  example: {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AgentgatewayPolicy",
    metadata: { name: "team-budget", namespace: "ai" },
    spec: {
      targetRefs: [{ group: "agentgateway.dev", kind: "AIRoute", name: "chat" }],
      traffic: { rateLimit: { local: [{ requests: 60, unit: "Minutes", key: { type: "ClientKey" } }] } },
      budgets: [{ tokens: 1000, period: "Day", key: { type: "ClientKey" } }],
    },
  } satisfies AgentgatewayPolicy,
  printerColumns: [
    {
      name: "Accepted",
      type: "string",
      jsonPath: condition(".status", "Accepted"),
      description: "Whether the controller accepted this policy.",
    },
    age,
  ],
  overrides: [],
};

export const CRD_KINDS: readonly CrdKind[] = [
  AGENTGATEWAY_BACKEND_CRD,
  AGENTGATEWAY_POLICY_CRD,
  AIROUTE_CRD,
  AGENTGATEWAY_PARAMETERS_CRD,
];
