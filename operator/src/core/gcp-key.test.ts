// Service-account keys read for policies.auth.gcp: what is kept, what is refused, and that a
// problem never quotes the key.
import assert from "node:assert/strict";
import { test } from "node:test";
import { GOOGLE_TOKEN_URI, parseServiceAccountKey } from "./gcp-key.ts";

const REF = { namespace: "team-a", name: "vertex-sa" };
const PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n";
const KEY = {
  type: "service_account",
  project_id: "p",
  private_key_id: "abc",
  private_key: PEM,
  client_email: "gw@p.iam.gserviceaccount.com",
  client_id: "1",
  token_uri: "https://oauth2.googleapis.com/token",
};

const parse = (v: unknown) => parseServiceAccountKey(JSON.stringify(v), REF, "credentials.json");

test("keeps client_email, private_key, private_key_id and token_uri only", () => {
  assert.deepEqual(parse(KEY), {
    client_email: KEY.client_email,
    private_key: PEM,
    private_key_id: "abc",
    token_uri: KEY.token_uri,
  });
  const { token_uri: _t, private_key_id: _k, ...bare } = KEY;
  assert.deepEqual(parse(bare), {
    client_email: KEY.client_email,
    private_key: PEM,
    token_uri: GOOGLE_TOKEN_URI,
  });
});

test("token_uri: https, or plain http to a loopback address only", () => {
  assert.ok(!("reason" in parse({ ...KEY, token_uri: "http://127.0.0.1:9000/token" })));
  assert.ok(!("reason" in parse({ ...KEY, token_uri: "http://localhost:9000/token" })));
  for (const uri of ["http://oauth2.googleapis.com/token", "ftp://x/token", "not a url"]) {
    const p = parse({ ...KEY, token_uri: uri });
    assert.ok("reason" in p && p.reason === "InvalidSecret", uri);
  }
});

test("refusals name the Secret, the entry and the field, never a value", () => {
  const cases: [unknown, string][] = [
    [{ ...KEY, type: "authorized_user" }, '"type" is not "service_account"'],
    [{ ...KEY, client_email: "nope" }, '"client_email" is missing or not an email'],
    [
      { ...KEY, private_key: "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n" },
      '"private_key"',
    ],
    [[KEY], "not a JSON object"],
  ];
  for (const [input, expected] of cases) {
    const p = parse(input);
    assert.ok("reason" in p, expected);
    assert.equal(p.reason, "InvalidSecret");
    assert.ok(
      p.message.startsWith(
        'key "credentials.json" of Secret team-a/vertex-sa is not a Google service-account key',
      ),
    );
    assert.ok(p.message.includes(expected), p.message);
    assert.ok(!p.message.includes("MIIE") && !p.message.includes("AAAA"));
  }
  const notJson = parseServiceAccountKey("{", REF, "k");
  assert.ok("reason" in notJson && notJson.message.endsWith("not JSON"));
});
