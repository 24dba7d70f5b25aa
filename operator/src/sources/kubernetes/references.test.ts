import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CLIENT_KEYS_ANNOTATION,
  gatewayKeys,
  referencedConfigMaps,
  referencedSecrets,
} from "./references.ts";

describe("referencedSecrets", () => {
  it("finds backend auth (gcp too), route clientAuth and the Gateway client-keys annotation", () => {
    const objects = [
      {
        kind: "AgentgatewayBackend",
        metadata: { namespace: "a", name: "b" },
        spec: { policies: { auth: { secretRef: { name: "key" } } } },
      },
      {
        kind: "AgentgatewayBackend",
        metadata: { namespace: "a", name: "c" },
        spec: { policies: { auth: { secretRef: { name: "other", namespace: "z" } } } },
      },
      {
        kind: "AgentgatewayBackend",
        metadata: { namespace: "v", name: "vertex" },
        spec: { policies: { auth: { gcp: { secretRef: { name: "vertex-sa" } } } } },
      },
      {
        kind: "AIRoute",
        metadata: { namespace: "r", name: "x" },
        spec: { clientAuth: { secretRef: { name: "keys" } } },
      },
      {
        kind: "Gateway",
        metadata: { namespace: "g", name: "gw", annotations: { [CLIENT_KEYS_ANNOTATION]: "gk" } },
      },
      { kind: "ConfigMap", metadata: { namespace: "q", name: "m" }, spec: { secretRef: { name: "nope" } } },
    ];
    assert.deepEqual([...referencedSecrets(objects)].sort(), [
      "a/key",
      "g/gk",
      "r/keys",
      "v/vertex-sa",
      "z/other",
    ]);
  });
  it("gatewayKeys lists namespace/name of Gateways only", () => {
    const objects = [
      { kind: "Gateway", metadata: { namespace: "g", name: "gw" } },
      { kind: "Service", metadata: { namespace: "g", name: "svc" } },
    ];
    assert.deepEqual([...gatewayKeys(objects)], ["g/gw"]);
  });
});

describe("policies.tls references", () => {
  const backend = {
    kind: "AgentgatewayBackend",
    metadata: { namespace: "a", name: "b" },
    spec: {
      ai: {
        groups: [
          {
            providers: [
              {
                name: "p",
                policies: {
                  tls: {
                    caCertificateRefs: [{ name: "group-ca" }],
                    mtlsCertificateRef: [{ name: "client" }],
                  },
                },
              },
            ],
          },
        ],
      },
      policies: { tls: { caCertificateRefs: [{ name: "ca-secret", kind: "Secret" }] } },
    },
  };
  it("Secrets: mtlsCertificateRef, and caCertificateRefs of kind Secret, in the backend's namespace", () => {
    assert.deepEqual([...referencedSecrets([backend])].sort(), ["a/ca-secret", "a/client"]);
  });
  it("ConfigMaps: caCertificateRefs without kind or of kind ConfigMap, and policies' pricesFrom", () => {
    const withCm = {
      ...backend,
      metadata: { namespace: "c", name: "d" },
      spec: { ai: {}, policies: { tls: { caCertificateRefs: [{ name: "ca", kind: "ConfigMap" }] } } },
    };
    const policy = {
      kind: "AgentgatewayPolicy",
      metadata: { namespace: "p", name: "x" },
      spec: { pricesFrom: { configMapRef: { name: "prices" } } },
    };
    assert.deepEqual([...referencedConfigMaps([backend, withCm, policy])].sort(), [
      "a/group-ca",
      "c/ca",
      "p/prices",
    ]);
  });
});
