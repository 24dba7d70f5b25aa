// AIRoute (agentgateway.dev/v1alpha1): attaches LLM backends to Gateway listeners. Shaped like
// HTTPRoute, plus a match on the request body's model.
import { z } from "zod";
import { Condition, ObjectMeta, ParentReference, SecretReference } from "./meta.ts";

export const PathMatch = z.strictObject({
  type: z
    .enum(["PathPrefix", "Exact"])
    .optional()
    .meta({ description: "How to match the path. Default PathPrefix." }),
  value: z.string().startsWith("/").meta({ description: "The path to match." }),
});

export const HeaderMatch = z.strictObject({
  type: z.enum(["Exact", "RegularExpression"]).optional().meta({ description: "Default Exact." }),
  name: z.string().min(1).meta({ description: "Header name (case-insensitive)." }),
  value: z.string().max(1024).meta({
    description:
      "Value to match. A RegularExpression is anchored and must be matchable in linear time (no backreferences or lookaround).",
  }),
});

export const AIRouteMatch = z
  .strictObject({
    path: PathMatch.optional().meta({ description: "Match on the request path." }),
    headers: z
      .array(HeaderMatch)
      .max(16)
      .optional()
      .meta({ description: "Match on request headers; all must match." }),
    model: z.string().min(1).max(256).optional().meta({
      description:
        "Glob on the request body's model field ('*' matches any run of characters), e.g. gpt-4o*.",
    }),
  })
  .meta({ description: "All set fields must match." });
export type AIRouteMatch = z.infer<typeof AIRouteMatch>;

export const AIBackendRef = z.strictObject({
  group: z.string().optional().meta({ description: "Default agentgateway.dev." }),
  kind: z.string().optional().meta({ description: "Default AgentgatewayBackend." }),
  name: z.string().min(1).meta({ description: "Name of the AgentgatewayBackend." }),
  namespace: z
    .string()
    .optional()
    .meta({ description: "Default: the route's namespace. Another namespace needs a ReferenceGrant." }),
  weight: z
    .number()
    .int()
    .min(0)
    .max(1000000)
    .optional()
    .meta({ description: "Relative weight. Default 1." }),
});
export type AIBackendRef = z.infer<typeof AIBackendRef>;

export const Duration = z
  .string()
  .regex(/^([0-9]{1,5}(h|m|s|ms)){1,4}$/)
  .meta({ description: "A Gateway API duration, e.g. 30s, 1m, 500ms." });

export const AIRouteRule = z.strictObject({
  matches: z
    .array(AIRouteMatch)
    .max(16)
    .optional()
    .meta({ description: "Any match selects the rule. None: every request on the listener." }),
  backendRefs: z
    .array(AIBackendRef)
    .min(1)
    .max(16)
    .meta({ description: "Backends that serve the rule, load balanced by weight." }),
  timeouts: z
    .strictObject({
      request: Duration.optional().meta({ description: "Whole-request timeout, including retries." }),
      backendRequest: Duration.optional().meta({ description: "Timeout of one attempt to a backend." }),
    })
    .optional()
    .meta({ description: "Request timeouts." }),
  retry: z
    .strictObject({
      attempts: z
        .number()
        .int()
        .min(0)
        .max(10)
        .optional()
        .meta({ description: "Retries after the first try." }),
      backoff: Duration.optional(),
      codes: z
        .array(z.number().int().min(400).max(599))
        .max(16)
        .optional()
        .meta({ description: "Upstream statuses that are retried. Default 429, 500, 502, 503, 504." }),
    })
    .optional()
    .meta({
      description: "Retries of failed attempts (AIRoute default: 2 retries on 429 and 5xx, 100ms backoff).",
    }),
  api: z
    .object({
      passthroughUnknownPaths: z.boolean().optional().meta({
        description:
          "Forward OpenAI API paths the gateway does not know (/v1/audio/speech, /v1/files, ...) unchanged to OpenAI backends instead of answering 404. Default false.",
      }),
      unsupportedFields: z.enum(["Reject", "Drop"]).optional().meta({
        description:
          "What to do with request fields the backend's API cannot express when translating between formats: Reject (400 naming the field, the default) or Drop.",
      }),
    })
    .optional()
    .meta({ description: "How client API formats are handled on this rule (see docs/translation.md)." }),
});
export type AIRouteRule = z.infer<typeof AIRouteRule>;

export const AIRouteSpec = z.strictObject({
  parentRefs: z
    .array(ParentReference)
    .min(1)
    .max(32)
    .meta({ description: "Gateways (and optionally listeners) this route attaches to." }),
  hostnames: z
    .array(z.string().min(1))
    .max(16)
    .optional()
    .meta({ description: "Hostnames this route serves (intersected with the listener's). None: any." }),
  rules: z
    .array(AIRouteRule)
    .min(1)
    .max(64)
    .meta({ description: "Rules, each matching requests to backends." }),
  clientAuth: z
    .strictObject({
      secretRef: SecretReference.meta({
        description: "Secret whose entries are the accepted gateway keys; each entry's name is the key id.",
      }),
    })
    .optional()
    .meta({ description: "Require clients to send 'Authorization: Bearer <gateway key>'." }),
});
export type AIRouteSpec = z.infer<typeof AIRouteSpec>;

export const RouteParentStatus = z.object({
  parentRef: ParentReference,
  controllerName: z.string(),
  conditions: z.array(Condition).optional(),
});

export const AIRoute = z.strictObject({
  apiVersion: z.literal("agentgateway.dev/v1alpha1"),
  kind: z.literal("AIRoute"),
  metadata: ObjectMeta,
  spec: AIRouteSpec.meta({ description: "Which requests on which Gateway listeners go to which backends." }),
  status: z
    .object({ parents: z.array(RouteParentStatus).max(32).optional() })
    .optional()
    .meta({
      description: "Per parent Gateway: Accepted and ResolvedRefs conditions, written by the controller.",
    }),
});
export type AIRoute = z.infer<typeof AIRoute>;
