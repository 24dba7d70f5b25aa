import assert from "node:assert/strict";
import { test } from "node:test";
import { ReferencedSecrets } from "./referenced-secrets.ts";

function backend(name: string, secret: string | undefined): unknown {
  return {
    kind: "AgentgatewayBackend",
    metadata: { name, namespace: "ns" },
    spec: { policies: secret ? { auth: { secretRef: { name: secret } } } : {} },
  };
}

test("a Secret stays referenced until its last referrer goes", () => {
  const refs = new ReferencedSecrets();
  assert.equal(refs.update("AgentgatewayBackend", { key: "ns/a", object: backend("a", "k") }), true);
  assert.equal(refs.update("AgentgatewayBackend", { key: "ns/b", object: backend("b", "k") }), false);
  assert.equal(refs.has("ns/k"), true);
  assert.equal(refs.update("AgentgatewayBackend", { key: "ns/a", object: undefined }), false);
  assert.equal(refs.has("ns/k"), true);
  assert.equal(refs.update("AgentgatewayBackend", { key: "ns/b", object: backend("b", undefined) }), true);
  assert.equal(refs.has("ns/k"), false);
});

test("an unchanged object is a no-op; a changed reference swaps the Secret", () => {
  const refs = new ReferencedSecrets();
  refs.update("AgentgatewayBackend", { key: "ns/a", object: backend("a", "k") });
  assert.equal(refs.update("AgentgatewayBackend", { key: "ns/a", object: backend("a", "k") }), false);
  assert.equal(refs.update("AgentgatewayBackend", { key: "ns/a", object: backend("a", "j") }), true);
  assert.deepEqual([refs.has("ns/k"), refs.has("ns/j")], [false, true]);
});

test("replaceKind recounts one kind and forgets its objects that are gone", () => {
  const refs = new ReferencedSecrets();
  refs.update("AgentgatewayBackend", { key: "ns/a", object: backend("a", "k") });
  refs.update("AIRoute", {
    key: "ns/r",
    object: {
      kind: "AIRoute",
      metadata: { name: "r", namespace: "ns" },
      spec: { clientAuth: { secretRef: { name: "c" } } },
    },
  });
  assert.equal(refs.replaceKind("AgentgatewayBackend", [["ns/a", backend("a", "k")]]), false);
  assert.equal(refs.replaceKind("AgentgatewayBackend", [["ns/b", backend("b", "m")]]), true);
  assert.deepEqual([refs.has("ns/k"), refs.has("ns/m"), refs.has("ns/c")], [false, true, true]);
});
