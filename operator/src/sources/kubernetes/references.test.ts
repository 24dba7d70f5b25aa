import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CLIENT_KEYS_ANNOTATION, gatewayKeys, referencedSecrets } from "./references.ts";

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
