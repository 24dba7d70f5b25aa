// AgentgatewayBackend (agentgateway.dev/v1alpha1): one LLM provider, or priority groups of them,
// plus how to authenticate to it. Compatible with the upstream agentgateway shape.
import { z } from "zod";
import { Duration } from "./airoute.ts";
import { Condition, ObjectMeta, SecretReference } from "./meta.ts";
import { unsupportedFields } from "./unsupported.ts";

const OPENAI_UNSUPPORTED = unsupportedFields(["moderation"], "openai provider's");

export const OpenAIProvider = z
  .strictObject({
    ...OPENAI_UNSUPPORTED.shape,
    model: z
      .string()
      .optional()
      .meta({ description: "Model to use. When set it overrides the model in the request body." }),
  })
  .meta({
    description: "OpenAI or any OpenAI-compatible API (chat completions, models, embeddings, responses).",
    "x-kubernetes-validations": OPENAI_UNSUPPORTED.rules,
  });

export const AzureOpenAIProvider = z
  .strictObject({
    endpoint: z.string().min(1).meta({
      description: "Azure OpenAI resource host, e.g. my-resource.openai.azure.com (a scheme is stripped).",
    }),
    deploymentName: z.string().min(1).optional().meta({
      description:
        "Name of the model deployment. Required unless apiVersion is v1, where it is the model sent when the request and the provider set none.",
    }),
    apiVersion: z.string().min(1).optional().meta({
      description:
        "Default v1: the /openai/v1/... API (model in the body). A dated version (e.g. 2024-10-21) uses /openai/deployments/{deploymentName}/...?api-version=.",
    }),
  })
  .meta({
    description:
      "Azure OpenAI, by endpoint: the v1 API by default, or a deployment with a dated api-version.",
    "x-kubernetes-validations": [
      {
        rule: "!has(self.apiVersion) || self.apiVersion == 'v1' ? true : has(self.deploymentName)",
        message: "deploymentName is required for this apiVersion",
      },
    ],
  });

export const AzureProvider = z
  .strictObject({
    resourceName: z.string().min(1).max(63).meta({
      description:
        "Azure resource name: the host is {resourceName}.openai.azure.com (OpenAI) or {resourceName}.services.ai.azure.com (Foundry).",
    }),
    resourceType: z
      .enum(["OpenAI", "Foundry"])
      .meta({ description: "The kind of Azure resource: it sets the host suffix." }),
    model: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Model to use. When set it overrides the model in the request body." }),
    apiVersion: z
      .string()
      .min(1)
      .optional()
      .meta({ description: "Default v1 (the only version served for this provider)." }),
    projectName: z.string().min(1).optional().meta({
      description:
        "Foundry project: requests go to /api/projects/{projectName}/openai/v1/... Required for Foundry.",
    }),
  })
  .meta({
    description: "Azure AI by resource: Azure OpenAI or Azure AI Foundry, on the v1 API.",
    "x-kubernetes-validations": [
      {
        rule: "self.resourceType != 'Foundry' || has(self.projectName)",
        message: "projectName is required when resourceType is Foundry",
      },
    ],
  });

export const GeminiProvider = z
  .strictObject({
    model: z.string().min(1).optional().meta({
      description:
        "Gemini model, e.g. gemini-2.0-flash. When unset, the model is taken from the request path (/{apiVersion}/models/{model}:generateContent).",
    }),
    apiVersion: z
      .string()
      .optional()
      .meta({ description: "Gemini API version path segment. Default v1beta." }),
  })
  .meta({ description: "Google Gemini native API (generateContent / streamGenerateContent)." });

export const AnthropicProvider = z
  .strictObject({
    model: z
      .string()
      .optional()
      .meta({ description: "Model to use. When set it overrides the model in the request body." }),
  })
  .meta({ description: "Anthropic Messages API (/v1/messages)." });

export const VertexAIProvider = z
  .strictObject({
    model: z.string().min(1).max(256).optional().meta({
      description:
        "Model to use, e.g. gemini-2.5-flash or claude-sonnet-4-5@20250929. When set it overrides the model in the request. Models named claude-* go to the anthropic publisher (rawPredict), every other model to the google publisher (generateContent).",
    }),
    projectId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9.:-]*$/)
      .meta({ description: "ID of the Google Cloud project that serves Vertex AI." }),
    region: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/)
      .optional()
      .meta({
        description:
          "Vertex AI location, e.g. us-east5. Default global (host aiplatform.googleapis.com; a region uses {region}-aiplatform.googleapis.com).",
      }),
  })
  .meta({
    description:
      "Google Vertex AI: Gemini models (publishers/google, generateContent) and Claude models (publishers/anthropic, rawPredict). Authenticate with policies.auth.gcp (a service-account key) or an OAuth2 access token in policies.auth.secretRef.",
  });

export const BedrockProvider = z
  .strictObject({
    region: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9-]+$/)
      .optional()
      .meta({
        description:
          "AWS region, e.g. us-west-2. Default us-east-1 (host bedrock-runtime.{region}.amazonaws.com).",
      }),
    model: z.string().min(1).max(256).optional().meta({
      description:
        "Bedrock model or inference profile ID, e.g. anthropic.claude-3-5-sonnet-20240620-v1:0. When set it overrides the model in the request.",
    }),
    guardrail: z
      .strictObject({
        identifier: z.string().min(1).max(2048).meta({ description: "Guardrail ID or ARN." }),
        version: z.string().min(1).max(16).meta({ description: "Guardrail version, e.g. 1 or DRAFT." }),
      })
      .optional()
      .meta({ description: "A Bedrock guardrail applied to every request (guardrailConfig)." }),
  })
  .meta({
    description:
      "Amazon Bedrock Converse API (/model/{modelId}/converse and converse-stream). OpenAI and Anthropic requests are translated. Authenticate with policies.auth.aws (requests are signed with AWS Signature Version 4).",
  });

/** Upstream's ProviderFormat enum (the ones the gateway can serve are checked by the translator). */
export const PROVIDER_FORMATS = [
  "Completions",
  "Messages",
  "Responses",
  "Embeddings",
  "AnthropicTokenCount",
  "Realtime",
  "Rerank",
] as const;

export const CustomProvider = z
  .strictObject({
    backendRef: z
      .strictObject({
        group: z.string().max(253).optional().meta({ description: "API group; empty (core) for a Service." }),
        kind: z
          .string()
          .min(1)
          .max(63)
          .optional()
          .meta({ description: "Service (default) or InferencePool." }),
        name: z
          .string()
          .min(1)
          .max(253)
          .meta({ description: "Name of the Service, in the backend's namespace." }),
        port: z
          .number()
          .int()
          .min(1)
          .max(65535)
          .optional()
          .meta({ description: "Service port. Required for a Service." }),
      })
      .optional()
      .meta({
        description:
          "A Service of the backend's namespace that serves this provider: requests go to {name}.{namespace}.svc:{port} over plain HTTP. Unset: host and port of the provider. InferencePool is not supported.",
        "x-kubernetes-validations": [
          {
            rule: "((!has(self.group) || self.group == '') && (!has(self.kind) || self.kind == 'Service')) ? has(self.port) : true",
            message: "Must have port for Service reference",
          },
        ],
      }),
    formats: z
      .array(
        z
          .strictObject({
            type: z.enum(PROVIDER_FORMATS).meta({
              description:
                "Completions (OpenAI chat completions), Responses (OpenAI responses), Embeddings (OpenAI embeddings), Messages (Anthropic messages), AnthropicTokenCount (Anthropic count_tokens). Realtime and Rerank are not supported.",
            }),
            path: z.string().startsWith("/").max(1024).optional().meta({
              description:
                "Upstream path for this format. Default: the format's own (/v1/chat/completions, ...).",
            }),
          })
          .meta({ description: "One API format the provider speaks natively." }),
      )
      .min(1)
      .max(6)
      .meta({
        "x-kubernetes-validations": [
          {
            rule: "self.all(f, self.exists_one(g, g.type == f.type))",
            message: "each format type may be listed once",
          },
        ],
        description:
          "The API formats the provider speaks. A request in a listed format goes there unchanged; another one is translated to a listed format when the gateway can (chat and Anthropic messages into each other), else refused with a 404.",
      }),
    model: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .meta({ description: "Model to use. When set it overrides the model in the request body." }),
  })
  .meta({
    description: "A self-hosted or otherwise unmanaged provider, described by the API formats it speaks.",
  });

const providerKinds = [
  "openai",
  "azureopenai",
  "azure",
  "gemini",
  "anthropic",
  "vertexai",
  "bedrock",
  "custom",
] as const;
export type ProviderKind = (typeof providerKinds)[number];
export const PROVIDER_KINDS: readonly ProviderKind[] = providerKinds;

const exactlyOne = (fields: readonly string[], what: string) => ({
  rule: `[${fields.map((f) => `has(self.${f})`).join(", ")}].filter(x, x).size() == 1`,
  message: `exactly one of ${fields.join(", ")} must be set (${what})`,
});

/** Upstream's rules for the path overrides. */
const PATH_RULES = [
  {
    rule: "!(has(self.path) && has(self.pathPrefix))",
    message: "path and pathPrefix are mutually exclusive",
  },
  { rule: "has(self.pathPrefix) ? has(self.host) : true", message: "pathPrefix requires host to be set" },
];

export const LLMProvider = z
  .strictObject({
    openai: OpenAIProvider.optional(),
    azureopenai: AzureOpenAIProvider.optional(),
    azure: AzureProvider.optional(),
    gemini: GeminiProvider.optional(),
    anthropic: AnthropicProvider.optional(),
    vertexai: VertexAIProvider.optional(),
    bedrock: BedrockProvider.optional(),
    custom: CustomProvider.optional(),
    host: z.string().min(1).optional().meta({
      description:
        "Override the provider's default host (e.g. a self-hosted or compatible endpoint). As upstream, a host/port override is plain HTTP unless policies.tls is set.",
    }),
    port: z.number().int().min(1).max(65535).optional().meta({
      description: "Override the provider's port (default 80 over plain HTTP, 443 with policies.tls).",
    }),
    path: z
      .string()
      .startsWith("/")
      .optional()
      .meta({ description: "Override the full upstream request path for every request to this provider." }),
    pathPrefix: z.string().startsWith("/").optional().meta({
      description:
        "Replace the API's base path prefix (/v1) for every request, e.g. /api/v1 for an OpenAI-compatible server under /api. openai and anthropic providers only; needs host.",
    }),
    plaintext: z.boolean().optional().meta({
      description:
        "Extension (not upstream): true states plain HTTP explicitly (the default for a host/port override; refused with policies.tls); false originates TLS with the system's trusted CAs, as an empty policies.tls does. Plain HTTP to a public provider host is always refused.",
    }),
  })
  .meta({
    description:
      "One LLM provider: exactly one of openai, azureopenai, azure, gemini, anthropic, vertexai, bedrock, custom.",
    "x-kubernetes-validations": [exactlyOne(providerKinds, "provider"), ...PATH_RULES],
  });
export type LLMProvider = z.infer<typeof LLMProvider>;

export const GcpAuth = z
  .strictObject({
    type: z.enum(["AccessToken"]).optional().meta({
      description:
        "The token to generate: AccessToken (OAuth2, scope cloud-platform), the one Vertex AI takes. Default AccessToken.",
    }),
    secretRef: z
      .strictObject({
        name: z.string().min(1).meta({ description: "Name of the Secret, in the backend's namespace." }),
        key: z.string().min(1).optional().meta({
          description:
            "Key in the Secret's data holding the service-account key JSON. Default credentials.json.",
        }),
      })
      .meta({
        description:
          "Secret holding a Google service-account key (the JSON file `gcloud iam service-accounts keys create` writes). The proxy signs a JWT with it, exchanges it at the key's token_uri for an access token and refreshes that token before it expires.",
      }),
  })
  .meta({ description: "Google Cloud authentication: an access token made from a service-account key." });

export const AwsAuth = z
  .strictObject({
    secretRef: z
      .strictObject({
        name: z.string().min(1).meta({ description: "Name of the Secret, in the backend's namespace." }),
      })
      .meta({
        description:
          "Secret holding AWS credentials: keys accessKey, secretKey and optionally sessionToken. The proxy signs every request with them (Signature Version 4).",
      }),
  })
  .meta({ description: "AWS authentication: access key credentials for Signature Version 4." });

/** Upstream's AuthorizationLocation: where a backend credential travels on the upstream request. */
export const AuthorizationLocation = z
  .strictObject({
    header: z
      .strictObject({
        name: z.string().min(1).max(256).meta({ description: "Header name, e.g. api-key." }),
        prefix: z.string().min(1).max(256).optional().meta({
          description: "Text before the credential, e.g. 'Bearer '. Omitted: the credential alone.",
        }),
      })
      .optional()
      .meta({ description: "Send the credential in this header (replacing a client value of it)." }),
    queryParameter: z
      .strictObject({ name: z.string().min(1).max(256).meta({ description: "Query parameter name." }) })
      .optional()
      .meta({
        description:
          "Set this query parameter of the upstream URL to the credential (replacing a client value of it). The proxy never logs it.",
      }),
    cookie: z
      .strictObject({ name: z.string().min(1).max(256).meta({ description: "Cookie name." }) })
      .optional()
      .meta({
        description:
          "Send the credential as this cookie in the upstream Cookie header (replacing a client cookie of that name).",
      }),
  })
  .meta({
    description: "Exactly one of header, queryParameter, cookie.",
    "x-kubernetes-validations": [exactlyOne(["header", "queryParameter", "cookie"], "location")],
  });

export type AuthorizationLocation = z.infer<typeof AuthorizationLocation>;

export const AzureAuth = z
  .strictObject({
    secretRef: z
      .strictObject({
        name: z.string().min(1).meta({ description: "Name of the Secret, in the backend's namespace." }),
      })
      .optional()
      .meta({
        description:
          "Secret holding an Entra ID app registration: keys clientID, tenantID and clientSecret. The proxy gets OAuth2 access tokens for it (client-credentials grant, scope https://cognitiveservices.azure.com/.default), caches each until shortly before it expires and sends it as Authorization: Bearer.",
      }),
    managedIdentity: z
      .strictObject({
        clientId: z.string().optional(),
        objectId: z.string().optional(),
        resourceId: z.string().optional(),
      })
      .optional()
      .meta({ description: "Not supported: a backend that sets it is not accepted." }),
    workloadIdentity: z
      .strictObject({})
      .optional()
      .meta({ description: "Not supported: a backend that sets it is not accepted." }),
  })
  .meta({
    description:
      "Azure (Entra ID) authentication for azureopenai and azure providers. Only secretRef (client credentials) is supported.",
  });

const AUTH_KINDS = ["key", "secretRef", "passthrough", "gcp", "aws", "azure"] as const;

const AUTH_UNSUPPORTED = unsupportedFields(
  ["oauthTokenExchange", "crossAppAccess", "jwtSign"],
  "auth method",
);

export const AuthPolicy = z
  .strictObject({
    ...AUTH_UNSUPPORTED.shape,
    key: z.string().min(1).optional().meta({
      description: "Inline API key. Stored in the object itself: prefer secretRef outside of demos.",
    }),
    secretRef: SecretReference.extend({
      key: z.string().optional().meta({
        description:
          "Key in the Secret's data. Default: Authorization, then apiKey, api-key, api_key, then the only key. A leading 'Bearer ' is stripped.",
      }),
    })
      .optional()
      .meta({
        description: "Read the API key from a Secret. Rotating the Secret takes effect without restarts.",
      }),
    passthrough: z
      .strictObject({})
      .optional()
      .meta({ description: "Forward the client's own credential header to the provider unchanged." }),
    gcp: GcpAuth.optional(),
    aws: AwsAuth.optional(),
    azure: AzureAuth.optional(),
    location: AuthorizationLocation.optional().meta({
      description:
        "Where the credential travels (upstream agentgateway's spelling; key, secretRef and passthrough only). Omitted: the provider's own header (Authorization: Bearer for OpenAI). For passthrough it is also where the client's credential is read from.",
    }),
    credentials: z
      .array(
        z
          .strictObject({
            location: AuthorizationLocation,
            secretRef: z
              .strictObject({
                name: z
                  .string()
                  .min(1)
                  .meta({ description: "Name of the Secret, in the backend's namespace." }),
                key: z
                  .string()
                  .min(1)
                  .optional()
                  .meta({ description: "Key in the Secret's data. Default Authorization." }),
              })
              .meta({ description: "The Secret entry holding the credential." }),
          })
          .meta({ description: "One additional credential: a Secret entry and where it travels." }),
      )
      .min(1)
      .max(8)
      .optional()
      .meta({
        description:
          "Additional credentials sent with every request, each from a Secret to its own location; alone or beside the primary one.",
      }),
    header: z
      .strictObject({
        name: z.string().min(1).optional().meta({ description: "Header to carry the key, e.g. api-key." }),
        prefix: z
          .string()
          .optional()
          .meta({ description: "Prefix before the key, e.g. 'Bearer '. May be empty." }),
      })
      .optional()
      .meta({
        description:
          "Our older spelling of location.header: override the provider's default auth header name and prefix. Cannot be combined with location.",
      }),
  })
  .meta({
    description:
      "How the gateway authenticates to the provider: at most one of key, secretRef, passthrough, gcp, aws, azure, plus optional additional credentials.",
    "x-kubernetes-validations": [
      {
        rule: `[${AUTH_KINDS.map((f) => `has(self.${f})`).join(", ")}].filter(x, x).size() == 1 || ([${AUTH_KINDS.map((f) => `has(self.${f})`).join(", ")}].filter(x, x).size() == 0 && has(self.credentials))`,
        message: `set credentials, or exactly one of ${AUTH_KINDS.join(", ")} (credentials may be combined with it)`,
      },
      {
        rule: "has(self.location) ? has(self.key) || has(self.secretRef) || has(self.passthrough) : true",
        message: "location may only be set for key, secretRef, or passthrough auth",
      },
      {
        rule: "!(has(self.location) && has(self.header))",
        message: "location and header are mutually exclusive",
      },
      ...AUTH_UNSUPPORTED.rules,
    ],
  });
export type AuthPolicy = z.infer<typeof AuthPolicy>;

const PromptMessage = z
  .strictObject({
    role: z.string().min(1).max(32).meta({ description: "SYSTEM, USER or ASSISTANT (any case)." }),
    content: z.string().max(32768).meta({ description: "Text of the message." }),
  })
  .meta({ description: "A message to add to every prompt." });

const FieldValue = z
  .strictObject({
    field: z
      .string()
      .min(1)
      .max(256)
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
      .meta({ description: "A top-level key of the JSON request body, e.g. temperature or max_tokens." }),
    value: z.unknown().meta({ description: "Any JSON value." }),
  })
  .meta({ description: "A request body field and its value." });

const AI_UNSUPPORTED = unsupportedFields(
  ["promptGuard", "transformations", "finalTransformations", "promptCaching", "routes"],
  "policies.ai",
);

export const BackendAI = z
  .strictObject({
    ...AI_UNSUPPORTED.shape,
    prompt: z
      .strictObject({
        prepend: z
          .array(PromptMessage)
          .max(16)
          .optional()
          .meta({ description: "Added before the client's messages." }),
        append: z
          .array(PromptMessage)
          .max(16)
          .optional()
          .meta({ description: "Added after the client's messages." }),
      })
      .optional()
      .meta({
        description:
          "Prompt enrichment: messages added to every request (system messages go where the request's format keeps its system prompt).",
      }),
    defaults: z
      .array(FieldValue)
      .min(1)
      .max(64)
      .optional()
      .meta({ description: "Request fields set when the request does not set them." }),
    overrides: z
      .array(FieldValue)
      .min(1)
      .max(64)
      .optional()
      .meta({ description: "Request fields set whatever the request says." }),
    modelAliases: z.record(z.string().min(1).max(256), z.string().min(1).max(256)).optional().meta({
      description: "Friendly model names and the provider model each stands for, e.g. {fast: gpt-4o-mini}.",
    }),
  })
  .meta({
    description:
      "Changes the gateway makes to every request to this backend (upstream agentgateway's policies.ai).",
    "x-kubernetes-validations": AI_UNSUPPORTED.rules,
  });
export type BackendAI = z.infer<typeof BackendAI>;

/** Upstream's key exchange group names (the TLS `ecdhCurve` list Node hands to OpenSSL). */
export const KEY_EXCHANGE_GROUPS = ["X25519", "P-256", "P-384", "X25519_MLKEM768"] as const;

const LocalCACertificateRef = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(253)
      .meta({ description: "Name of the ConfigMap or Secret (same namespace)." }),
    kind: z
      .enum(["ConfigMap", "Secret"])
      .optional()
      .meta({ description: "ConfigMap (default) or Secret. The `ca.crt` key holds the PEM bundle." }),
  })
  .meta({ description: "A same-namespace CA certificate source." });

const LocalSecretObjectRef = z
  .strictObject({
    name: z.string().min(1).max(253).meta({ description: "Name of the Secret (same namespace)." }),
    group: z.literal("").optional().meta({ description: "Only the core group (empty) is supported." }),
    kind: z.literal("Secret").optional().meta({ description: "Only Secret is supported." }),
  })
  .meta({ description: "A same-namespace Secret." });

/** Upstream's rules for policies.tls, plus ours for what this gateway does not do. */
const TLS_RULES = [
  {
    rule: "has(self.insecureSkipVerify) && self.insecureSkipVerify == 'All' ? !has(self.caCertificateRefs) : true",
    message: "insecureSkipVerify All and caCertificateRefs may not be set together",
  },
  {
    rule: "has(self.insecureSkipVerify) ? !has(self.verifySubjectAltNames) : true",
    message: "insecureSkipVerify and verifySubjectAltNames may not be set together",
  },
  {
    rule: "!has(self.certificateSource) || self.certificateSource == 'Inline'",
    message: "certificateSource: SPIFFE is not supported (use mtlsCertificateRef and caCertificateRefs)",
  },
];

export const BackendTLS = z
  .strictObject({
    certificateSource: z.enum(["Inline", "SPIFFE"]).optional().meta({
      description:
        "Inline (default): mtlsCertificateRef and caCertificateRefs, or the system's trusted CAs. SPIFFE is not supported.",
    }),
    mtlsCertificateRef: z.array(LocalSecretObjectRef).max(1).optional().meta({
      description:
        "Mutual TLS: a Secret with tls.crt and tls.key (the client certificate the gateway presents). An optional ca.cert in it verifies the server, unless caCertificateRefs is set.",
    }),
    caCertificateRefs: z.array(LocalCACertificateRef).max(1).optional().meta({
      description:
        "CA bundle (PEM, key ca.crt) that verifies the server certificate instead of the system's trusted CAs.",
    }),
    insecureSkipVerify: z.enum(["All", "Hostname"]).optional().meta({
      description:
        "INSECURE. All: no verification of the server certificate. Hostname: the chain is verified but not the hostname/SAN.",
    }),
    sni: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
      .optional()
      .meta({ description: "Server Name Indication sent in the handshake. Default: the destination host." }),
    verifySubjectAltNames: z.array(z.string().min(1).max(256)).min(1).max(16).optional().meta({
      description:
        "Subject Alternative Names the server certificate must carry (one is enough). Default: the destination host.",
    }),
    alpnProtocols: z.array(z.string().min(1).max(64)).min(1).max(16).optional().meta({
      description:
        "ALPN protocols offered in the handshake. Default: http/1.1 (the protocol the gateway speaks to providers).",
    }),
    keyExchangeGroups: z.array(z.enum(KEY_EXCHANGE_GROUPS)).min(1).max(4).optional().meta({
      description: "Key exchange groups, in order of preference, e.g. [X25519_MLKEM768, X25519].",
    }),
  })
  .superRefine((tls, ctx) => {
    if (tls.certificateSource === "SPIFFE")
      ctx.addIssue({
        code: "custom",
        path: ["certificateSource"],
        message: "SPIFFE is not supported (use mtlsCertificateRef and caCertificateRefs)",
      });
    if (tls.insecureSkipVerify === "All" && tls.caCertificateRefs !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["insecureSkipVerify"],
        message: "insecureSkipVerify All and caCertificateRefs may not be set together",
      });
    if (tls.insecureSkipVerify !== undefined && tls.verifySubjectAltNames !== undefined)
      ctx.addIssue({
        code: "custom",
        path: ["insecureSkipVerify"],
        message: "insecureSkipVerify and verifySubjectAltNames may not be set together",
      });
  })
  .meta({
    description:
      "Originate TLS to the backend (as upstream agentgateway's policies.tls): the system's trusted CAs and the destination host as SNI unless set here. A host/port override is plain HTTP unless this is set.",
    "x-kubernetes-validations": TLS_RULES,
  });
export type BackendTLS = z.infer<typeof BackendTLS>;
export const HealthPolicy = z
  .strictObject({
    unhealthyCondition: z.string().min(1).max(1024).optional().meta({
      description:
        "When an answer from the provider is unhealthy, as an expression. Supported: a subset of CEL, comparisons of response.code with an integer (==, !=, >=, <=, >, <), true, false, combined with ||, && and ! and parentheses, e.g. `response.code >= 500 || response.code == 429`; anything else makes the backend Accepted=False. Unset: a 5xx answer or no answer (connection failure, timeout) is unhealthy.",
    }),
    eviction: z
      .strictObject({
        duration: Duration.optional().meta({
          description:
            "Base time an unhealthy provider is skipped (at least 1s, default 3s). Each ejection that follows without a success in between lasts duration × times ejected. When every provider is ejected, ejected ones are still tried rather than failing.",
        }),
        restoreHealth: z.number().int().min(0).max(100).optional().meta({
          description:
            "Health score (0-100) the provider gets back when its ejection ends. Unset: the score it had.",
        }),
        consecutiveFailures: z.number().int().min(0).optional().meta({
          description:
            "Unhealthy answers in a row that eject the provider. With healthThreshold too, either ejects; with neither, one unhealthy answer ejects.",
        }),
        healthThreshold: z.number().int().min(0).max(100).optional().meta({
          description:
            "Eject when the provider's health score (0-100, a moving average of healthy answers) is below this value at an unhealthy answer.",
        }),
      })
      .optional()
      .meta({
        description:
          "How unhealthy providers are ejected. Unset: only an unhealthy answer with a Retry-After ejects, for that long.",
        "x-kubernetes-validations": [
          {
            rule: "!has(self.duration) || duration(self.duration) >= duration('1s')",
            message: "duration must be at least 1 second",
          },
        ],
      }),
  })
  .meta({
    description:
      "Passive health checking (upstream agentgateway's policies.health): each proxy skips a provider that keeps failing for a cool-down (outlier ejection). Ejected providers show in the backend's ProvidersHealthy condition and the ai_gateway_provider_ejected metric.",
  });
export type HealthPolicy = z.infer<typeof HealthPolicy>;

const POLICIES_UNSUPPORTED = unsupportedFields(
  ["tcp", "http", "tunnel", "transformation", "mcp", "extAuth"],
  "backend policy",
);

export const BackendPolicies = z
  .strictObject({
    ...POLICIES_UNSUPPORTED.shape,
    auth: AuthPolicy.optional(),
    ai: BackendAI.optional(),
    tls: BackendTLS.optional(),
    health: HealthPolicy.optional(),
  })
  .meta({
    description: "Policies applied to requests sent to this backend.",
    "x-kubernetes-validations": POLICIES_UNSUPPORTED.rules,
  });

export const NamedProvider = LLMProvider.extend({
  name: z.string().min(1).max(63).meta({ description: "Name of this provider within its group." }),
  policies: BackendPolicies.optional().meta({
    description:
      "Policies for this provider only, merged field by field over spec.policies: a field set here (e.g. auth) replaces the backend's.",
  }),
}).meta({
  description: "A named provider in a priority group.",
  "x-kubernetes-validations": [exactlyOne(providerKinds, "provider"), ...PATH_RULES],
});

export const PriorityGroup = z
  .strictObject({
    providers: z
      .array(NamedProvider)
      .min(1)
      .max(16)
      .meta({ description: "Providers of equal priority (load balanced). At most 16." }),
  })
  .meta({ description: "A priority group. The next group is used when every provider in this one fails." });

export const AIBackend = z
  .strictObject({
    provider: LLMProvider.optional(),
    groups: z
      .array(PriorityGroup)
      .min(1)
      .max(16)
      .optional()
      .meta({ description: "Priority groups, highest priority first, for failover. At most 16." }),
  })
  .meta({
    description: "An LLM backend: one provider, or priority groups of providers.",
    "x-kubernetes-validations": [exactlyOne(["provider", "groups"], "ai")],
  });

/** Backend kinds other than LLM (upstream's static, MCP, A2A, AgentCore, dynamic forward proxy). */
const SPEC_UNSUPPORTED = unsupportedFields(
  ["static", "a2a", "mcp", "dynamicForwardProxy", "aws"],
  "backend kind",
);

export const AgentgatewayBackendSpec = z
  .strictObject({
    ...SPEC_UNSUPPORTED.shape,
    ai: AIBackend.meta({ description: "LLM provider configuration." }),
    policies: BackendPolicies.optional(),
  })
  .meta({
    description: "AgentgatewayBackend spec.",
    "x-kubernetes-validations": [
      // required here rather than by `required` (see the CRD override): so an upstream manifest of
      // another backend kind is told which field is not supported, not only that ai is missing
      { rule: "has(self.ai)", message: "ai is required", fieldPath: ".ai", reason: "FieldValueRequired" },
      ...SPEC_UNSUPPORTED.rules,
    ],
  });
export type AgentgatewayBackendSpec = z.infer<typeof AgentgatewayBackendSpec>;

export const AgentgatewayBackendStatus = z
  .object({
    conditions: z
      .array(Condition)
      .max(8)
      .optional()
      .meta({ description: "Accepted, ResolvedRefs and, with policies.health, ProvidersHealthy." }),
  })
  .meta({
    description:
      "Observed state: Accepted and ResolvedRefs conditions; with policies.health, ProvidersHealthy (False while a proxy skips an ejected provider; the message names it and until when).",
  });

export const AgentgatewayBackend = z.strictObject({
  apiVersion: z.literal("agentgateway.dev/v1alpha1"),
  kind: z.literal("AgentgatewayBackend"),
  metadata: ObjectMeta,
  spec: AgentgatewayBackendSpec,
  status: AgentgatewayBackendStatus.optional(),
});
export type AgentgatewayBackend = z.infer<typeof AgentgatewayBackend>;
