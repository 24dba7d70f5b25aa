// Our generated CRDs (crds/) on a real kube-apiserver, installed and exercised with the real
// kubectl: the seed lab's objects and one of each provider and auth mode are admitted and stored
// unpruned; invalid objects are refused with the CEL message and the field path; short names,
// the category, printer columns, the status subresource and `kubectl explain` work.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { AgentgatewayBackend } from "../operator/src/api/agentgateway-backend.ts";
import { AIRoute } from "../operator/src/api/airoute.ts";
import { CRD_KINDS } from "../operator/src/api/crd/kinds.ts";
import { repoRoot } from "../scripts/lib/versions.ts";
import { SEED_003 } from "./fixtures/seed-003.ts";
import { type ControlPlane, startControlPlane } from "./harness/control-plane.ts";
import { eventually } from "./harness/eventually.ts";

const NS = "agentgateway-system";
const API = "agentgateway.dev/v1alpha1";
const INLINE_KEY = "sk-e2e-inline-key-never-echoed";

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: unknown };

const backend = (name: string, spec: unknown): Obj => ({
  apiVersion: API,
  kind: "AgentgatewayBackend",
  metadata: { name, namespace: NS },
  spec,
});
const route = (name: string, spec: unknown): Obj => ({
  apiVersion: API,
  kind: "AIRoute",
  metadata: { name, namespace: NS },
  spec,
});
const secretAuth = { auth: { secretRef: { name: "llm-keys" } } };
const oneRule = { parentRefs: [{ name: "llm-gateway" }], rules: [{ backendRefs: [{ name: "openai" }] }] };

const VALID: Obj[] = [
  backend("openai-plain", { ai: { provider: { openai: {} } }, policies: secretAuth }),
  backend("with-ai-policy", {
    ai: { provider: { azure: { resourceName: "r", resourceType: "Foundry", projectName: "p" } } },
    policies: {
      ...secretAuth,
      ai: {
        prompt: { prepend: [{ role: "SYSTEM", content: "Answer in French." }] },
        defaults: [
          { field: "temperature", value: 0.2 },
          { field: "stop", value: ["END"] },
          { field: "metadata", value: { team: "a" } },
          { field: "user", value: "svc" },
        ],
        overrides: [{ field: "max_tokens", value: 64 }],
        modelAliases: { fast: "gpt-4o-mini" },
      },
    },
  }),
  backend("azure", {
    ai: {
      provider: {
        azureopenai: {
          endpoint: "my-resource.openai.azure.com",
          deploymentName: "gpt-4o",
          apiVersion: "2024-10-21",
        },
      },
    },
    policies: {
      auth: {
        secretRef: { name: "azure-key", namespace: "keys", key: "api-key" },
        header: { name: "api-key", prefix: "" },
      },
    },
  }),
  backend("gemini", {
    ai: { provider: { gemini: { model: "gemini-2.0-flash", apiVersion: "v1beta" } } },
    policies: secretAuth,
  }),
  backend("anthropic-inline", {
    ai: { provider: { anthropic: { model: "claude-sonnet-4-5" } } },
    policies: { auth: { key: INLINE_KEY } },
  }),
  backend("passthrough", { ai: { provider: { anthropic: {} } }, policies: { auth: { passthrough: {} } } }),
  backend("vertex-gcp", {
    ai: { provider: { vertexai: { projectId: "my-proj", region: "us-east5", model: "gemini-2.5-flash" } } },
    policies: {
      auth: { gcp: { type: "AccessToken", secretRef: { name: "vertex-sa", key: "credentials.json" } } },
    },
  }),
  backend("vertex-token", { ai: { provider: { vertexai: { projectId: "my-proj" } } }, policies: secretAuth }),
  backend("bedrock-aws", {
    ai: {
      provider: {
        bedrock: {
          region: "eu-west-1",
          model: "anthropic.claude-3-5-sonnet-20240620-v1:0",
          guardrail: { identifier: "gr-abc123", version: "DRAFT" },
        },
      },
    },
    policies: { auth: { aws: { secretRef: { name: "aws-creds" } } } },
  }),
  backend("bedrock-defaults", {
    ai: { provider: { bedrock: {} } },
    policies: { auth: { aws: { secretRef: { name: "aws-creds" } } } },
  }),
  backend("self-hosted", {
    ai: {
      provider: {
        openai: { model: "llama3" },
        host: "ollama.llm.svc",
        port: 11434,
        path: "/v1/chat/completions",
        plaintext: true,
      },
    },
  }),
  backend("failover", {
    ai: {
      groups: [
        {
          providers: [
            { name: "primary", openai: { model: "gpt-4o" } },
            { name: "azure", azureopenai: { endpoint: "e.openai.azure.com", deploymentName: "d" } },
          ],
        },
        {
          providers: [
            { name: "fallback", gemini: { model: "gemini-2.0-flash" }, port: 443, policies: { tls: {} } },
          ],
        },
      ],
    },
    policies: secretAuth,
  }),
  backend("tls-everything", {
    ai: {
      groups: [
        {
          providers: [
            {
              name: "mtls",
              openai: {},
              host: "llm.internal.example",
              policies: { tls: { mtlsCertificateRef: [{ name: "client-cert" }], sni: "llm.example" } },
            },
          ],
        },
      ],
    },
    policies: {
      ...secretAuth,
      tls: {
        caCertificateRefs: [{ name: "llm-ca", kind: "Secret" }],
        verifySubjectAltNames: ["llm.internal.example", "spiffe://td/ns/llm/sa/server"],
        alpnProtocols: ["http/1.1"],
        keyExchangeGroups: ["X25519_MLKEM768", "X25519"],
        certificateSource: "Inline",
      },
    },
  }),
  route("everything", {
    parentRefs: [
      { name: "llm-gateway", namespace: NS, sectionName: "http", port: 80 },
      { name: "other-gateway" },
    ],
    hostnames: ["llm.example.com"],
    rules: [
      {
        matches: [
          {
            path: { type: "PathPrefix", value: "/v1" },
            headers: [{ name: "x-team", value: "a" }],
            model: "gpt-4o*",
          },
          { headers: [{ type: "RegularExpression", name: "x-tier", value: "gold|silver" }] },
        ],
        backendRefs: [
          { name: "openai", weight: 90 },
          {
            group: "agentgateway.dev",
            kind: "AgentgatewayBackend",
            name: "azure",
            namespace: NS,
            weight: 10,
          },
        ],
        timeouts: { request: "2m", backendRequest: "30s" },
        retry: { attempts: 2, backoff: "250ms", codes: [429, 503] },
      },
    ],
    clientAuth: { secretRef: { name: "gateway-keys" } },
  }),
];

type Invalid = { what: string; obj: Obj; expect: string[] };

const INVALID: Invalid[] = [
  {
    what: "two providers at once",
    obj: backend("two-providers", { ai: { provider: { openai: {}, anthropic: {} } } }),
    expect: [
      "spec.ai.provider",
      "exactly one of openai, azureopenai, azure, gemini, anthropic, vertexai, bedrock, custom must be set",
    ],
  },
  {
    what: "a provider with no kind",
    obj: backend("no-provider-kind", { ai: { provider: { host: "example.com" } } }),
    expect: [
      "spec.ai.provider",
      "exactly one of openai, azureopenai, azure, gemini, anthropic, vertexai, bedrock, custom must be set",
    ],
  },
  {
    what: "provider and groups",
    obj: backend("provider-and-groups", {
      ai: { provider: { openai: {} }, groups: [{ providers: [{ name: "a", openai: {} }] }] },
    }),
    expect: ["spec.ai:", "exactly one of provider, groups must be set"],
  },
  {
    what: "two providers in a group entry",
    obj: backend("group-two-kinds", {
      ai: { groups: [{ providers: [{ name: "a", openai: {}, gemini: { model: "m" } }] }] },
    }),
    expect: [
      "spec.ai.groups[0].providers[0]",
      "exactly one of openai, azureopenai, azure, gemini, anthropic, vertexai, bedrock, custom must be set",
    ],
  },
  {
    what: "two auth modes",
    obj: backend("two-auth", {
      ai: { provider: { openai: {} } },
      policies: { auth: { key: INLINE_KEY, secretRef: { name: "s" } } },
    }),
    expect: [
      "spec.policies.auth",
      "set credentials, or exactly one of key, secretRef, passthrough, gcp, aws, azure",
    ],
  },
  {
    what: "gcp together with a secretRef",
    obj: backend("gcp-and-secret", {
      ai: { provider: { vertexai: { projectId: "p" } } },
      policies: { auth: { gcp: { secretRef: { name: "sa" } }, secretRef: { name: "s" } } },
    }),
    expect: [
      "spec.policies.auth",
      "set credentials, or exactly one of key, secretRef, passthrough, gcp, aws, azure",
    ],
  },
  {
    what: "aws together with a key",
    obj: backend("aws-and-key", {
      ai: { provider: { bedrock: {} } },
      policies: { auth: { aws: { secretRef: { name: "aws" } }, key: INLINE_KEY } },
    }),
    expect: [
      "spec.policies.auth",
      "set credentials, or exactly one of key, secretRef, passthrough, gcp, aws, azure",
    ],
  },
  {
    what: "location with gcp",
    obj: backend("location-gcp", {
      ai: { provider: { vertexai: { projectId: "p" } } },
      policies: { auth: { gcp: { secretRef: { name: "sa" } }, location: { cookie: { name: "k" } } } },
    }),
    expect: ["spec.policies.auth", "location may only be set for key, secretRef, or passthrough auth"],
  },
  {
    what: "location with two places",
    obj: backend("location-two", {
      ai: { provider: { openai: {} } },
      policies: {
        auth: { key: INLINE_KEY, location: { cookie: { name: "k" }, queryParameter: { name: "k" } } },
      },
    }),
    expect: ["spec.policies.auth.location", "exactly one of header, queryParameter, cookie must be set"],
  },
  {
    what: "location and the older header together",
    obj: backend("location-and-header", {
      ai: { provider: { openai: {} } },
      policies: {
        auth: { key: INLINE_KEY, header: { name: "x-key" }, location: { header: { name: "x-key" } } },
      },
    }),
    expect: ["spec.policies.auth", "location and header are mutually exclusive"],
  },
  {
    what: "a custom provider's Service backendRef without port",
    obj: backend("custom-no-port", {
      ai: { provider: { custom: { backendRef: { name: "vllm" }, formats: [{ type: "Completions" }] } } },
    }),
    expect: ["spec.ai.provider.custom.backendRef", "Must have port for Service reference"],
  },
  {
    what: "a custom provider listing a format twice",
    obj: backend("custom-twice", {
      ai: {
        provider: {
          custom: {
            backendRef: { name: "vllm", port: 80 },
            formats: [{ type: "Messages" }, { type: "Messages" }],
          },
        },
      },
    }),
    expect: ["spec.ai.provider.custom.formats", "each format type may be listed once"],
  },
  {
    what: "a custom provider format outside upstream's enum",
    obj: backend("custom-bad-format", {
      ai: { provider: { custom: { backendRef: { name: "vllm", port: 80 }, formats: [{ type: "Chat" }] } } },
    }),
    expect: ["spec.ai.provider.custom.formats[0].type", 'Unsupported value: "Chat"'],
  },
  {
    what: "bedrock with a region that is not a region name",
    obj: backend("bedrock-bad-region", { ai: { provider: { bedrock: { region: "US East 1" } } } }),
    expect: ["spec.ai.provider.bedrock.region", "should match"],
  },
  {
    what: "a bedrock guardrail without its version",
    obj: backend("bedrock-guardrail-no-version", {
      ai: { provider: { bedrock: { guardrail: { identifier: "gr-1" } } } },
    }),
    expect: ["spec.ai.provider.bedrock.guardrail.version", "Required value"],
  },
  {
    what: "bedrock together with openai",
    obj: backend("bedrock-and-openai", { ai: { provider: { bedrock: {}, openai: {} } } }),
    expect: [
      "spec.ai.provider",
      "exactly one of openai, azureopenai, azure, gemini, anthropic, vertexai, bedrock, custom must be set",
    ],
  },
  {
    what: "vertexai without its project",
    obj: backend("vertex-no-project", { ai: { provider: { vertexai: { region: "us-east5" } } } }),
    expect: ["spec.ai.provider.vertexai.projectId", "Required value"],
  },
  {
    what: "a gcp token type other than AccessToken",
    obj: backend("gcp-id-token", {
      ai: { provider: { vertexai: { projectId: "p" } } },
      policies: { auth: { gcp: { type: "IdToken", secretRef: { name: "sa" } } } },
    }),
    expect: ["spec.policies.auth.gcp.type", 'Unsupported value: "IdToken"'],
  },
  {
    what: "port 0",
    obj: backend("port-zero", { ai: { provider: { openai: {}, port: 0 } } }),
    expect: ["spec.ai.provider.port", "greater than or equal to 1"],
  },
  {
    what: "azure with a dated apiVersion and no deployment",
    obj: backend("azure-incomplete", {
      ai: { provider: { azureopenai: { endpoint: "e", apiVersion: "2024-10-21" } } },
    }),
    expect: ["spec.ai.provider.azureopenai", "deploymentName is required for this apiVersion"],
  },
  {
    what: "an Azure AI Foundry resource without its project",
    obj: backend("foundry-no-project", {
      ai: { provider: { azure: { resourceName: "r", resourceType: "Foundry" } } },
    }),
    expect: ["spec.ai.provider.azure", "projectName is required when resourceType is Foundry"],
  },
  {
    what: "pathPrefix without host",
    obj: backend("prefix-no-host", { ai: { provider: { openai: {}, pathPrefix: "/api/v1" } } }),
    expect: ["spec.ai.provider", "pathPrefix requires host to be set"],
  },
  {
    what: "path and pathPrefix together",
    obj: backend("path-and-prefix", {
      ai: { provider: { openai: {}, host: "h", path: "/x", pathPrefix: "/api/v1" } },
    }),
    expect: ["spec.ai.provider", "path and pathPrefix are mutually exclusive"],
  },
  {
    what: "policies.tls certificateSource SPIFFE",
    obj: backend("tls-spiffe", {
      ai: { provider: { openai: {} } },
      policies: { tls: { certificateSource: "SPIFFE" } },
    }),
    expect: ["spec.policies.tls", "certificateSource: SPIFFE is not supported"],
  },
  {
    what: "policies.tls insecureSkipVerify All with caCertificateRefs",
    obj: backend("tls-all-and-ca", {
      ai: { provider: { openai: {} } },
      policies: { tls: { insecureSkipVerify: "All", caCertificateRefs: [{ name: "ca" }] } },
    }),
    expect: ["spec.policies.tls", "insecureSkipVerify All and caCertificateRefs may not be set together"],
  },
  {
    what: "policies.tls insecureSkipVerify with verifySubjectAltNames (on a group provider)",
    obj: backend("tls-skip-and-san", {
      ai: {
        groups: [
          {
            providers: [
              {
                name: "a",
                openai: {},
                policies: { tls: { insecureSkipVerify: "Hostname", verifySubjectAltNames: ["x"] } },
              },
            ],
          },
        ],
      },
    }),
    expect: ["insecureSkipVerify and verifySubjectAltNames may not be set together"],
  },
  {
    what: "two CA certificate refs",
    obj: backend("tls-two-cas", {
      ai: { provider: { openai: {} } },
      policies: { tls: { caCertificateRefs: [{ name: "a" }, { name: "b" }] } },
    }),
    expect: ["spec.policies.tls.caCertificateRefs", "must have at most 1 item"],
  },
  {
    what: "more priority groups than the CRD allows",
    obj: backend("too-many-groups", {
      ai: { groups: Array.from({ length: 17 }, () => ({ providers: [{ name: "a", openai: {} }] })) },
    }),
    expect: ["spec.ai.groups", "must have at most 16 items"],
  },
  {
    what: "missing backendRefs",
    obj: route("no-backends", {
      parentRefs: [{ name: "llm-gateway" }],
      rules: [{ matches: [{ model: "gpt-4o" }] }],
    }),
    expect: ["spec.rules[0].backendRefs", "Required value"],
  },
  {
    what: "missing parentRefs",
    obj: route("no-parents", { rules: [{ backendRefs: [{ name: "openai" }] }] }),
    expect: ["spec.parentRefs", "Required value"],
  },
  {
    what: "a bad duration",
    obj: route("bad-duration", {
      ...oneRule,
      rules: [{ backendRefs: [{ name: "openai" }], timeouts: { request: "10x" } }],
    }),
    expect: ["spec.rules[0].timeouts.request", '"10x"', "should match"],
  },
  {
    what: "parentRef port 0",
    obj: route("parent-port-zero", { ...oneRule, parentRefs: [{ name: "llm-gateway", port: 0 }] }),
    expect: ["spec.parentRefs[0].port", "greater than or equal to 1"],
  },
  {
    what: "an unknown path match type",
    obj: route("bad-path-type", {
      ...oneRule,
      rules: [{ matches: [{ path: { type: "Regex", value: "/v1" } }], backendRefs: [{ name: "openai" }] }],
    }),
    expect: ["spec.rules[0].matches[0].path.type", 'Unsupported value: "Regex"'],
  },
];

const Stored = z.object({ spec: z.unknown(), status: z.unknown().optional() });

/** Cells of `kubectl get` output, cut at the header's column starts (cells may be empty). */
function table(stdout: string): { headers: string[]; rows: Map<string, Record<string, string>> } {
  const [head = "", ...lines] = stdout.trimEnd().split("\n");
  const starts = [...head.matchAll(/\S+/g)].map((m) => m.index);
  const headers = starts.map((s, i) => head.slice(s, starts[i + 1]).trim());
  const rows = new Map<string, Record<string, string>>();
  for (const line of lines) {
    const cells = starts.map((s, i) => line.slice(s, starts[i + 1]).trim());
    rows.set(cells[0] ?? "", Object.fromEntries(headers.map((h, i) => [h, cells[i] ?? ""])));
  }
  return { headers, rows };
}

describe("CRDs on a real API server", () => {
  let cp: ControlPlane | undefined;
  const kubectl = async (args: string[], input?: string) => {
    assert.ok(cp, "control plane not started");
    return cp.kubectl(args, input === undefined ? {} : { input });
  };
  const ok = async (args: string[], input?: string) => {
    const r = await kubectl(args, input);
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r;
  };
  /** Each test that reads objects applies them itself (idempotent), so it can run alone. */
  const seed = async (...names: string[]) => {
    await ok(["apply", "-f", "-"], `${SEED_003.backend}---\n${SEED_003.route}`);
    for (const obj of VALID.filter((o) => names.includes(o.metadata.name))) {
      await ok(["apply", "-f", "-"], JSON.stringify(obj));
    }
  };

  before(async () => {
    cp = await startControlPlane({ installGatewayApi: false, installOurCrds: false });
    const applied = await ok(["apply", "-f", join(repoRoot, "crds")]);
    assert.doesNotMatch(applied.stderr, /warning/i, "the apiserver warns about nothing in our CRDs");
    await ok([
      "wait",
      "--for=condition=Established",
      "--timeout=60s",
      ...CRD_KINDS.map((k) => `crd/${k.plural}.${k.group}`),
    ]);
    await ok(["create", "namespace", NS]);
    await ok(["create", "namespace", "ai"]);
  });

  after(async () => {
    await cp?.stop();
  });

  it("admits seed 003's AgentgatewayBackend and AIRoute verbatim", async () => {
    await ok(["apply", "-f", "-"], SEED_003.backend);
    await ok(["apply", "-f", "-"], SEED_003.route);
    const r = await ok(["get", "aiRoute", "openai-route", "-n", NS, "-o", "yaml"]);
    assert.match(r.stdout, /name: llm-gateway/);
    const stored = JSON.parse((await ok(["get", "agbe", "openai", "-n", NS, "-o", "json"])).stdout);
    AgentgatewayBackend.parse(stored);
  });

  it("admits one of each provider and auth mode, and stores them unpruned", async () => {
    for (const obj of VALID) {
      const applied = await kubectl(["apply", "-f", "-"], JSON.stringify(obj));
      assert.equal(applied.code, 0, `${obj.metadata.name}: ${applied.stderr}`);
      const kind = obj.kind === "AIRoute" ? "air" : "agbe";
      const stored = JSON.parse((await ok(["get", kind, obj.metadata.name, "-n", NS, "-o", "json"])).stdout);
      assert.deepEqual(Stored.parse(stored).spec, obj.spec, `${obj.metadata.name} came back changed`);
      (obj.kind === "AIRoute" ? AIRoute : AgentgatewayBackend).parse(stored);
    }
  });

  it("admits the examples of the reference docs", async () => {
    for (const kind of CRD_KINDS) await ok(["apply", "-f", "-"], JSON.stringify(kind.example));
  });

  for (const { what, obj, expect } of INVALID) {
    it(`refuses ${what}`, async () => {
      const r = await kubectl(["apply", "-f", "-"], JSON.stringify(obj));
      assert.notEqual(r.code, 0, `${obj.metadata.name} was admitted`);
      assert.match(r.stderr, new RegExp(`The ${obj.kind} "${obj.metadata.name}" is invalid`));
      for (const text of expect)
        assert.ok(r.stderr.includes(text), `expected ${JSON.stringify(text)} in: ${r.stderr}`);
      assert.ok(!r.stderr.includes(INLINE_KEY), "the refusal echoes the inline key");
      const kind = obj.kind === "AIRoute" ? "air" : "agbe";
      const get = await kubectl(["get", kind, obj.metadata.name, "-n", NS]);
      assert.match(get.stderr, /NotFound|not found/);
    });
  }

  // Without strict field validation the API server prunes fields its schema does not declare, and the
  // object would be stored (then Accepted) without them. Upstream's fields we do not support are
  // declared, so no client setting can drop them: each is refused at its own path.
  const UPSTREAM_ONLY: [string, unknown][] = [
    ["spec.static", { ai: { provider: { openai: {} } }, static: { host: "h", port: 80 } }],
    ["spec.policies.transformation", { ai: { provider: { openai: {} } }, policies: { transformation: {} } }],
    [
      "spec.policies.ai.promptGuard",
      { ai: { provider: { openai: {} } }, policies: { ai: { promptGuard: {} } } },
    ],
    [
      "spec.policies.auth.jwtSign",
      { ai: { provider: { openai: {} } }, policies: { auth: { key: INLINE_KEY, jwtSign: {} } } },
    ],
    ["spec.ai.provider.openai.moderation", { ai: { provider: { openai: { moderation: {} } } } }],
  ];
  for (const [field, spec] of UPSTREAM_ONLY) {
    it(`refuses upstream's ${field} even with --validate=false (never pruned)`, async () => {
      const name = `upstream-${field.split(".").pop()?.toLowerCase()}`;
      const r = await kubectl(["apply", "--validate=false", "-f", "-"], JSON.stringify(backend(name, spec)));
      assert.notEqual(r.code, 0, `${name} was admitted: ${r.stdout}`);
      assert.ok(r.stderr.includes(field), `expected ${field} in: ${r.stderr}`);
      assert.match(r.stderr, /not supported by ai-gateway/);
      assert.ok(!r.stderr.includes(INLINE_KEY), "the refusal echoes the inline key");
      const get = await kubectl(["get", "agbe", name, "-n", NS]);
      assert.match(get.stderr, /NotFound|not found/);
    });
  }

  it("refuses upstream's AgentgatewayPolicy spec.traffic.cors even with --validate=false (never pruned)", async () => {
    const policy = {
      apiVersion: API,
      kind: "AgentgatewayPolicy",
      metadata: { name: "upstream-cors", namespace: NS },
      spec: {
        targetRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "llm-gateway" }],
        traffic: { cors: { allowOrigins: ["*"] } },
      },
    };
    const r = await kubectl(["apply", "--validate=false", "-f", "-"], JSON.stringify(policy));
    assert.notEqual(r.code, 0, `admitted: ${r.stdout}`);
    assert.ok(r.stderr.includes("spec.traffic.cors"), r.stderr);
    assert.match(r.stderr, /not supported by ai-gateway/);
  });

  it("lists backends by short name with provider, model and Accepted columns", async () => {
    await seed("failover", "anthropic-inline");
    const accepted = {
      status: {
        conditions: [
          {
            type: "Accepted",
            status: "True",
            reason: "Accepted",
            message: "ok",
            lastTransitionTime: "2026-01-01T00:00:00Z",
          },
        ],
      },
    };
    await ok([
      "patch",
      "agbe",
      "openai",
      "-n",
      NS,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify(accepted),
    ]);
    const plain = table((await ok(["get", "agbe", "-n", NS])).stdout);
    assert.deepEqual(plain.headers, ["NAME", "PROVIDER", "ACCEPTED", "AGE"]);
    assert.equal(plain.rows.get("openai")?.PROVIDER, '{"openai":{"model":"gpt-4o-mini"}}');
    assert.equal(plain.rows.get("openai")?.ACCEPTED, "True");
    assert.equal(plain.rows.get("failover")?.PROVIDER, "", "a groups backend has no single provider");
    const wide = await ok(["get", "agentgatewaybackends", "-n", NS, "-o", "wide"]);
    assert.ok(!wide.stdout.includes(INLINE_KEY), "the table shows the inline key");
    const columns = table(wide.stdout);
    assert.deepEqual(columns.headers, ["NAME", "PROVIDER", "MODEL", "ACCEPTED", "AGE"]);
    assert.equal(columns.rows.get("openai")?.MODEL, "gpt-4o-mini");
    assert.equal(columns.rows.get("failover")?.MODEL, "gpt-4o", "the first group's first model");
  });

  it("lists routes by short name with Gateways and Accepted columns", async () => {
    await seed("everything");
    const status = {
      status: {
        parents: [
          {
            parentRef: { name: "llm-gateway", namespace: NS },
            controllerName: "agentgateway.dev/ai-gateway",
            conditions: [
              { type: "Accepted", status: "False", reason: "NoMatchingParent", message: "no such Gateway" },
            ],
          },
        ],
      },
    };
    await ok([
      "patch",
      "air",
      "openai-route",
      "-n",
      NS,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify(status),
    ]);
    const out = table((await ok(["get", "air", "-n", NS])).stdout);
    assert.deepEqual(out.headers, ["NAME", "GATEWAYS", "ACCEPTED", "AGE"]);
    assert.equal(out.rows.get("openai-route")?.GATEWAYS, "llm-gateway");
    assert.equal(out.rows.get("openai-route")?.ACCEPTED, "False");
    assert.equal(out.rows.get("everything")?.GATEWAYS, "llm-gateway");
  });

  it("keeps status out of spec writes (status subresource)", async () => {
    const forged = { conditions: [{ type: "Accepted", status: "True", reason: "Forged", message: "x" }] };
    await ok(
      ["apply", "-f", "-"],
      JSON.stringify({ ...backend("status-probe", { ai: { provider: { openai: {} } } }), status: forged }),
    );
    const stored = JSON.parse((await ok(["get", "agbe", "status-probe", "-n", NS, "-o", "json"])).stdout);
    assert.equal(Stored.parse(stored).status, undefined);
  });

  it("groups both kinds under the ai-gateway category", async () => {
    await seed();
    const r = await ok(["get", "ai-gateway", "-n", NS, "-o", "name"]);
    assert.match(r.stdout, /^agentgatewaybackend\.agentgateway\.dev\/openai$/m);
    assert.match(r.stdout, /^airoute\.agentgateway\.dev\/openai-route$/m);
  });

  it("publishes the schema descriptions to kubectl explain", async () => {
    await eventually(async () => {
      const r = await ok(["explain", "agentgatewaybackends.spec.policies.auth"]);
      const text = r.stdout.replace(/\s+/g, " ");
      assert.ok(
        text.includes(
          "How the gateway authenticates to the provider: at most one of key, secretRef, passthrough, gcp, aws, azure, plus optional additional credentials.",
        ),
      );
      assert.ok(text.includes("Read the API key from a Secret."));
    });
  });
});
