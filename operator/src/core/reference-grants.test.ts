import assert from "node:assert/strict";
import { test } from "node:test";
import type { ReferenceGrant } from "../api/gateway-api.ts";
import { refPermitted } from "./reference-grants.ts";

const grant = (namespace: string, to: { group: string; kind: string; name?: string }[]): ReferenceGrant => ({
  apiVersion: "gateway.networking.k8s.io/v1beta1",
  kind: "ReferenceGrant",
  metadata: { name: "g", namespace },
  spec: { from: [{ group: "agentgateway.dev", kind: "AIRoute", namespace: "team" }], to },
});
const from = { group: "agentgateway.dev", kind: "AIRoute", namespace: "team" };
const to = (name: string, namespace = "models") => ({
  group: "agentgateway.dev",
  kind: "AgentgatewayBackend",
  namespace,
  name,
});

test("same-namespace references need no grant", () => {
  assert.equal(refPermitted([], from, to("b", "team")), true);
});

test("cross-namespace references need a grant in the target namespace", () => {
  assert.equal(refPermitted([], from, to("b")), false);
  const any = grant("models", [{ group: "agentgateway.dev", kind: "AgentgatewayBackend" }]);
  assert.equal(refPermitted([any], from, to("b")), true);
  const elsewhere = grant("team", [{ group: "agentgateway.dev", kind: "AgentgatewayBackend" }]);
  assert.equal(refPermitted([elsewhere], from, to("b")), false);
});

test("a grant with a name only covers that name; kind and from must match", () => {
  const named = grant("models", [{ group: "agentgateway.dev", kind: "AgentgatewayBackend", name: "b" }]);
  assert.equal(refPermitted([named], from, to("b")), true);
  assert.equal(refPermitted([named], from, to("c")), false);
  assert.equal(refPermitted([named], { ...from, kind: "HTTPRoute" }, to("b")), false);
  assert.equal(refPermitted([named], { ...from, namespace: "other" }, to("b")), false);
  const secrets = grant("models", [{ group: "", kind: "Secret" }]);
  assert.equal(refPermitted([secrets], from, to("b")), false);
});
