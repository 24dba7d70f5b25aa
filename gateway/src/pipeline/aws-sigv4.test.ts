// SigV4 signing for Bedrock: the headers added, their shape, determinism for a pinned time, the
// session token, and credential parsing that never echoes a value.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { AwsCredentialError, parseAwsCredentials, sigV4Headers } from "./aws-sigv4.ts";

const creds = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY" };
const base = {
  method: "POST",
  authority: "bedrock-runtime.us-west-2.amazonaws.com",
  path: "/model/anthropic.claude-v2%3A1/converse",
  body: Buffer.from('{"messages":[]}'),
  contentType: "application/json",
  region: "us-west-2",
  service: "bedrock",
  credentials: creds,
  now: new Date("2026-11-29T01:02:03Z"),
};

test("signs host, content-type, date and payload hash with the credential scope", async () => {
  const h = await sigV4Headers(base);
  assert.equal(h["x-amz-date"], "20261129T010203Z");
  assert.equal(h["x-amz-content-sha256"], createHash("sha256").update(base.body).digest("hex"));
  assert.match(
    h.authorization ?? "",
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261129\/us-west-2\/bedrock\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/,
  );
  assert.equal(h["x-amz-security-token"], undefined);
  assert.ok(!JSON.stringify(h).includes(creds.secretAccessKey));
  // deterministic for the same input; any change of body, path or secret changes the signature
  assert.deepEqual(await sigV4Headers(base), h);
  for (const other of [
    { ...base, body: Buffer.from('{"messages":[1]}') },
    { ...base, path: "/model/other/converse" },
    { ...base, credentials: { ...creds, secretAccessKey: "x" } },
  ])
    assert.notEqual((await sigV4Headers(other)).authorization, h.authorization);
});

test("a session token is sent and signed", async () => {
  const h = await sigV4Headers({ ...base, credentials: { ...creds, sessionToken: "tok" } });
  assert.equal(h["x-amz-security-token"], "tok");
  assert.match(h.authorization ?? "", /SignedHeaders=[a-z0-9;-]*x-amz-security-token/);
});

test("credentials parse from the snapshot's JSON; errors name fields, never values", () => {
  assert.deepEqual(parseAwsCredentials(JSON.stringify(creds)), creds);
  assert.deepEqual(parseAwsCredentials(JSON.stringify({ ...creds, sessionToken: "t" })).sessionToken, "t");
  for (const bad of ["not json", JSON.stringify({ accessKeyId: "a" }), "[]"]) {
    assert.throws(
      () => parseAwsCredentials(bad),
      (e: unknown) => e instanceof AwsCredentialError && !e.message.includes("not json"),
    );
  }
});
