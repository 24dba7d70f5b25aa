// AgentgatewayPolicy (agentgateway.dev/v1alpha1): spend control in the Gateway API Policy
// Attachment style (GEP-713). `spec.targetRefs` picks a Gateway, AIRoute, HTTPRoute or
// AgentgatewayBackend; `spec.traffic.rateLimit.local[]` follows upstream agentgateway's fields
// (requests or tokens per unit) and adds what a budget needs: a key (client key id, header, route,
// namespace) and a token type; `spec.budgets[]` are hard token or US dollar budgets per
// day/week/month with an overridable price table. Every limit that applies to a request must fit.
import { z } from "zod";
import { Condition, ObjectMeta } from "./meta.ts";
import { unsupportedFields } from "./unsupported.ts";

export const PolicyTargetRef = z.strictObject({
  group: z.string().meta({
    description:
      "gateway.networking.k8s.io (Gateway, HTTPRoute) or agentgateway.dev (AIRoute, AgentgatewayBackend).",
  }),
  kind: z.string().min(1).meta({ description: "Gateway, HTTPRoute, AIRoute or AgentgatewayBackend." }),
  name: z.string().min(1).meta({ description: "Name of the target, in the policy's namespace." }),
});
export type PolicyTargetRef = z.infer<typeof PolicyTargetRef>;

export const LimitKey = z
  .strictObject({
    type: z.enum(["ClientKey", "Header", "Route", "Namespace"]).meta({
      description:
        "Whose counter: ClientKey (the gateway key id that authenticated the request), Header (the value of `header`), Route (the route), Namespace (the route's namespace: a team).",
    }),
    header: z.string().min(1).optional().meta({ description: "Header name when type is Header." }),
  })
  .meta({
    description: "What a counter is keyed by. Default: Route.",
    "x-kubernetes-validations": [
      { rule: "self.type != 'Header' || has(self.header)", message: "type Header needs header" },
    ],
  });
export type LimitKey = z.infer<typeof LimitKey>;

export const TokenType = z
  .enum(["Input", "Output", "Total"])
  .meta({ description: "Which tokens count. Default Total." });

export const LocalRateLimit = z
  .strictObject({
    requests: z.number().int().min(1).optional().meta({ description: "Requests allowed per unit." }),
    tokens: z.number().int().min(1).optional().meta({ description: "Tokens allowed per unit." }),
    unit: z
      .enum(["Seconds", "Minutes", "Hours"])
      .meta({ description: "The window (fixed, aligned to UTC)." }),
    tokenType: TokenType.optional(),
    key: LimitKey.optional(),
  })
  .meta({
    description: "A rate limit: requests or tokens per window (exactly one of requests, tokens).",
    "x-kubernetes-validations": [
      { rule: "has(self.requests) != has(self.tokens)", message: "set exactly one of requests, tokens" },
    ],
  });
export type LocalRateLimit = z.infer<typeof LocalRateLimit>;

export const Budget = z
  .strictObject({
    tokens: z.number().int().min(0).optional().meta({ description: "Tokens allowed per period." }),
    dollars: z
      .string()
      .regex(/^[0-9]{1,9}(\.[0-9]{1,6})?$/)
      .optional()
      .meta({ description: 'US dollars allowed per period, as a decimal string, e.g. "25.00".' }),
    period: z
      .enum(["Day", "Week", "Month"])
      .meta({ description: "Calendar period in UTC (weeks start on Monday)." }),
    tokenType: TokenType.optional(),
    key: LimitKey.optional(),
  })
  .meta({
    description:
      "A hard budget: the request's cost is reserved before forwarding and refused when it does not fit.",
    "x-kubernetes-validations": [
      { rule: "has(self.tokens) != has(self.dollars)", message: "set exactly one of tokens, dollars" },
    ],
  });
export type Budget = z.infer<typeof Budget>;

export const ModelPrice = z.strictObject({
  provider: z.enum(["openai", "azureopenai", "gemini", "anthropic", "vertexai", "bedrock"]).optional().meta({
    description: "Provider; absent: any provider. Bedrock model IDs have no built-in prices: set them here.",
  }),
  model: z.string().min(1).meta({ description: "Model name; a trailing '*' matches a prefix." }),
  inputPerMillion: z
    .string()
    .regex(/^[0-9]{1,6}(\.[0-9]{1,6})?$/)
    .meta({ description: "US dollars per million input tokens." }),
  outputPerMillion: z
    .string()
    .regex(/^[0-9]{1,6}(\.[0-9]{1,6})?$/)
    .meta({ description: "US dollars per million output tokens." }),
});
export type ModelPrice = z.infer<typeof ModelPrice>;

// Upstream AgentgatewayPolicy fields we do not support: declared, so they are refused at their
// own path by every client and in every mode, never pruned (see unsupported.ts).
const SPEC_UNSUPPORTED = unsupportedFields(["targetSelectors", "strategy", "frontend", "backend"], "policy");
const TRAFFIC_UNSUPPORTED = unsupportedFields(
  [
    "phase",
    "transformation",
    "extProc",
    "extAuth",
    "cors",
    "csrf",
    "headerModifiers",
    "hostRewrite",
    "timeouts",
    "retry",
    "authorization",
    "jwtAuthentication",
    "basicAuthentication",
    "apiKeyAuthentication",
    "directResponse",
    "buffer",
    "delay",
  ],
  "traffic policy",
);
const RATE_LIMIT_UNSUPPORTED = unsupportedFields(["global"], "rate limit");

export const AgentgatewayPolicySpec = z
  .strictObject({
    ...SPEC_UNSUPPORTED.shape,
    targetRefs: z
      .array(PolicyTargetRef)
      .min(1)
      .max(16)
      .meta({ description: "Objects (in this namespace) the policy attaches to." }),
    traffic: z
      .strictObject({
        ...TRAFFIC_UNSUPPORTED.shape,
        rateLimit: z
          .strictObject({
            ...RATE_LIMIT_UNSUPPORTED.shape,
            local: z.array(LocalRateLimit).max(16).optional().meta({ description: "Rate limits." }),
          })
          .optional()
          .meta({ "x-kubernetes-validations": RATE_LIMIT_UNSUPPORTED.rules }),
      })
      .optional()
      .meta({
        description: "Traffic policy (upstream agentgateway field names).",
        "x-kubernetes-validations": TRAFFIC_UNSUPPORTED.rules,
      }),
    budgets: z.array(Budget).max(16).optional().meta({ description: "Hard token or dollar budgets." }),
    prices: z
      .array(ModelPrice)
      .max(256)
      .optional()
      .meta({ description: "Prices that override the built-in table (first match wins)." }),
    pricesFrom: z
      .strictObject({
        configMapRef: z
          .strictObject({
            name: z.string().min(1).max(253).meta({ description: "A ConfigMap in this namespace." }),
          })
          .meta({ description: "Its `prices.yaml` entry: a list of prices like spec.prices." }),
      })
      .optional()
      .meta({
        description:
          "More prices, from a ConfigMap: consulted after spec.prices and before the built-in table; changes take effect without redeploys.",
      }),
    counters: z.enum(["Local", "Global"]).optional().meta({
      description:
        "Local (default): counters in each proxy (N replicas allow N times the limit). Global: counters in the Redis the proxies are configured with.",
    }),
    failureMode: z
      .strictObject({
        rateLimits: z.enum(["Open", "Closed"]).optional().meta({ description: "Default Open." }),
        budgets: z.enum(["Open", "Closed"]).optional().meta({ description: "Default Closed." }),
      })
      .optional()
      .meta({ description: "What to do when the global counter store (Redis) is unreachable." }),
  })
  .meta({ "x-kubernetes-validations": SPEC_UNSUPPORTED.rules });
export type AgentgatewayPolicySpec = z.infer<typeof AgentgatewayPolicySpec>;

export const AgentgatewayPolicy = z.strictObject({
  apiVersion: z.literal("agentgateway.dev/v1alpha1"),
  kind: z.literal("AgentgatewayPolicy"),
  metadata: ObjectMeta,
  spec: AgentgatewayPolicySpec.meta({ description: "Rate limits and budgets, and what they attach to." }),
  status: z
    .strictObject({
      conditions: z.array(Condition).max(8).optional(),
      usage: z
        .array(
          z.strictObject({
            limit: z.string().meta({ description: "Which limit: rateLimit/<i> or budget/<i> of spec." }),
            key: z.string().meta({
              description:
                "Whose counter: the client key id, route, namespace, or header:<name>:<hash of the value> (never a key or header value).",
            }),
            window: z.enum(["Second", "Minute", "Hour", "Day", "Week", "Month"]),
            windowStart: z.string().meta({ description: "Start of the current window (UTC, RFC 3339)." }),
            unit: z.enum(["requests", "tokens", "microdollars"]),
            used: z.number().min(0),
            capacity: z.number().min(0),
            remaining: z.number().min(0),
          }),
        )
        .max(100)
        .optional()
        .meta({
          description:
            "What the proxies report, per limit and key, for the current window (Local counters summed over proxies, Global ones shared); rewritten every few seconds at most.",
        }),
      usageTruncated: z
        .boolean()
        .optional()
        .meta({ description: "True when more counters exist than the 100 shown." }),
    })
    .optional()
    .meta({
      description:
        "Accepted, ResolvedRefs and (counters: Global) CountersAvailable conditions, and the current usage, written by the controller.",
    }),
});
export type AgentgatewayPolicy = z.infer<typeof AgentgatewayPolicy>;
