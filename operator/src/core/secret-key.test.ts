import assert from "node:assert/strict";
import { test } from "node:test";
import type { Secret } from "../api/gateway-api.ts";
import { Reason } from "./reasons.ts";
import { resolveSecretKey } from "./secret-key.ts";

const ref = { namespace: "ns", name: "keys" };
const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");

function secret(data: Record<string, string> = {}, stringData?: Record<string, string>): Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "keys", namespace: "ns" },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])),
    ...(stringData ? { stringData } : {}),
  };
}

test("default key order: Authorization, apiKey, api-key, api_key", () => {
  const all = { api_key: "k4", "api-key": "k3", apiKey: "k2", Authorization: "k1", other: "x" };
  assert.deepEqual(resolveSecretKey(secret(all), ref), { key: "Authorization", credential: "k1" });
  const { Authorization: _a, ...noAuth } = all;
  assert.deepEqual(resolveSecretKey(secret(noAuth), ref), { key: "apiKey", credential: "k2" });
  const { apiKey: _b, ...noApiKey } = noAuth;
  assert.deepEqual(resolveSecretKey(secret(noApiKey), ref), { key: "api-key", credential: "k3" });
  const { "api-key": _c, ...onlyUnderscore } = noApiKey;
  assert.deepEqual(resolveSecretKey(secret(onlyUnderscore), ref), { key: "api_key", credential: "k4" });
});

test("the only key is used when no default key exists", () => {
  assert.deepEqual(resolveSecretKey(secret({ token: "abc" }), ref), { key: "token", credential: "abc" });
});

test("an explicit key wins over the defaults", () => {
  const s = secret({ Authorization: "k1", mine: "k9" });
  assert.deepEqual(resolveSecretKey(s, ref, "mine"), { key: "mine", credential: "k9" });
});

test("Bearer prefix, whitespace and newline are stripped", () => {
  assert.deepEqual(resolveSecretKey(secret({ Authorization: "  Bearer sk-1\n" }), ref), {
    key: "Authorization",
    credential: "sk-1",
  });
  assert.deepEqual(resolveSecretKey(secret({ apiKey: "bearer   sk-2" }), ref), {
    key: "apiKey",
    credential: "sk-2",
  });
  // A key that merely starts with the letters "Bearer" is not a prefix.
  assert.deepEqual(resolveSecretKey(secret({ apiKey: "Bearerish" }), ref), {
    key: "apiKey",
    credential: "Bearerish",
  });
});

test("stringData wins over data for the same key (API server merge order)", () => {
  const s = secret({ apiKey: "from-data" }, { apiKey: "from-string-data" });
  assert.deepEqual(resolveSecretKey(s, ref), { key: "apiKey", credential: "from-string-data" });
});

test("a missing explicit key is SecretKeyNotFound and lists key names, never values", () => {
  const s = secret({ a: "value-a-SECRET", b: "value-b-SECRET" });
  const r = resolveSecretKey(s, ref, "c");
  assert.ok("reason" in r);
  assert.equal(r.reason, Reason.SecretKeyNotFound);
  assert.match(r.message, /keys found: a, b/);
  assert.doesNotMatch(r.message, /SECRET/);
});

test("several keys and no default is SecretKeyNotFound naming them", () => {
  const r = resolveSecretKey(secret({ one: "v1-SECRET", two: "v2-SECRET" }), ref);
  assert.ok("reason" in r);
  assert.equal(r.reason, Reason.SecretKeyNotFound);
  assert.match(r.message, /one, two/);
  assert.doesNotMatch(r.message, /SECRET/);
});

test("an empty Secret is SecretKeyNotFound", () => {
  const r = resolveSecretKey(secret({}), ref);
  assert.ok("reason" in r);
  assert.equal(r.reason, Reason.SecretKeyNotFound);
  assert.match(r.message, /has no keys/);
});

test("empty, whitespace-only and Bearer-only values are InvalidSecret", () => {
  for (const v of ["", "   ", "\n", "Bearer ", "Bearer"]) {
    const r = resolveSecretKey(secret({ apiKey: v }), ref);
    assert.ok("reason" in r, JSON.stringify(v));
    assert.equal(r.reason, Reason.InvalidSecret);
  }
});

test("a value with control characters is InvalidSecret without echoing it", () => {
  const r = resolveSecretKey(secret({ apiKey: "sk-SECRET\r\nX-Injected: 1" }), ref);
  assert.ok("reason" in r);
  assert.equal(r.reason, Reason.InvalidSecret);
  assert.doesNotMatch(r.message, /SECRET|Injected/);
});

test("data that is not base64 is InvalidSecret", () => {
  const s: Secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "keys", namespace: "ns" },
    data: { apiKey: "%%%" },
  };
  const r = resolveSecretKey(s, ref);
  assert.ok("reason" in r);
  assert.equal(r.reason, Reason.InvalidSecret);
});

test("a value that can never travel in a header is InvalidSecret at config time, naming the key only", () => {
  for (const bad of ["sk-abc\r\nX-Injected: 1", "sk-\u0000nul", "sk-caf\u00e9", "sk-\u{1f511}"]) {
    const r = resolveSecretKey(secret({ apiKey: bad }), ref);
    assert.ok("reason" in r, JSON.stringify(bad));
    assert.equal(r.reason, Reason.InvalidSecret);
    assert.match(
      r.message,
      /key "apiKey" of Secret ns\/keys contains characters not allowed in an HTTP header/,
    );
    assert.ok(!r.message.includes("sk-"), "the value never appears");
  }
  assert.deepEqual(resolveSecretKey(secret({ apiKey: "sk-ok_1.2~3+/=" }), ref), {
    key: "apiKey",
    credential: "sk-ok_1.2~3+/=",
  });
});
