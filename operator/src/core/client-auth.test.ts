import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import type { Secret } from "../api/gateway-api.ts";
import { CLIENT_KEYS_ANNOTATION, clientKeysFromSecret, gatewayClientAuth } from "./client-auth.ts";

const ref = { namespace: "ns", name: "keys" };
const secret = (stringData: Record<string, string>): Secret => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "keys", namespace: "ns" },
  stringData,
});
const sha = (v: string) => createHash("sha256").update(v).digest("hex");

test("one key per entry: id = entry name, sha256 of the trimmed value, sorted by id", () => {
  const out = clientKeysFromSecret(secret({ zed: " key-z\n", alpha: "key-a" }), ref);
  assert.equal(out.problem, undefined);
  assert.deepEqual(out.clientAuth, {
    secretRef: "ns/keys",
    keys: [
      { id: "alpha", sha256: sha("key-a") },
      { id: "zed", sha256: sha("key-z") },
    ],
  });
});

test("empty entries never become keys; a Secret with none fails closed", () => {
  const some = clientKeysFromSecret(secret({ good: "k", blank: "  " }), ref);
  assert.deepEqual(
    some.clientAuth.keys.map((k) => k.id),
    ["good"],
  );
  const none = clientKeysFromSecret(secret({ blank: "" }), ref);
  assert.deepEqual(none.clientAuth.keys, []);
  assert.equal(none.problem?.reason, "InvalidSecret");
});

test("gateway annotation: absent means no client auth; a missing Secret fails closed", () => {
  assert.equal(gatewayClientAuth({ namespace: "ns", name: "gw" }, {}, []), undefined);
  const missing = gatewayClientAuth(
    { namespace: "ns", name: "gw" },
    { [CLIENT_KEYS_ANNOTATION]: "nope" },
    [],
  );
  assert.deepEqual(missing?.clientAuth, { secretRef: "ns/nope", keys: [] });
  assert.equal(missing?.problem?.reason, "SecretNotFound");
  const found = gatewayClientAuth({ namespace: "ns", name: "gw" }, { [CLIENT_KEYS_ANNOTATION]: "keys" }, [
    secret({ a: "k" }),
  ]);
  assert.deepEqual(found?.clientAuth.keys, [{ id: "a", sha256: sha("k") }]);
});
