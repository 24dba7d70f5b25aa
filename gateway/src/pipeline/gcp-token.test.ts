// Access tokens from a service-account key: the JWT is what Google checks (RS256 over the key, iss,
// scope, aud = token_uri), tokens are cached until shortly before expiry, refreshes are
// single-flight, failures are held briefly and never carry the key or the assertion.
import assert from "node:assert/strict";
import { generateKeyPairSync, verify } from "node:crypto";
import { test } from "node:test";
import { CLOUD_PLATFORM_SCOPE, GcpTokenError, GcpTokens } from "./gcp-token.ts";
import type { FetchLike } from "./oauth-tokens.ts";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const TOKEN_URI = "http://127.0.0.1:9/token";
const KEY = JSON.stringify({
  client_email: "gw@proj.iam.gserviceaccount.com",
  private_key: PEM,
  private_key_id: "kid-1",
  token_uri: TOKEN_URI,
});

interface Call {
  url: string;
  form: URLSearchParams;
}

function fakeEndpoint(answer: (n: number) => { status: number; body: unknown }) {
  const calls: Call[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, form: new URLSearchParams(String(init.body)) });
    if (gate) await gate;
    const a = answer(calls.length);
    return new Response(JSON.stringify(a.body), {
      status: a.status,
      headers: { "content-type": "application/json" },
    });
  };
  return {
    calls,
    fetch,
    hold() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    release() {
      gate = undefined;
      release?.();
    },
  };
}

const ok = (n: number) => ({
  status: 200,
  body: { access_token: `tok-${n}`, expires_in: 3600, token_type: "Bearer" },
});

test("the assertion is an RS256 JWT for the key: iss, scope, aud = token_uri, one hour", async () => {
  const ep = fakeEndpoint(ok);
  const now = 1_800_000_000_000;
  const tokens = new GcpTokens({ fetch: ep.fetch, now: () => now });
  assert.equal(await tokens.token(KEY), "tok-1");
  const call = ep.calls[0];
  assert.ok(call);
  assert.equal(call.url, TOKEN_URI);
  assert.equal(call.form.get("grant_type"), "urn:ietf:params:oauth:grant-type:jwt-bearer");
  const [h, c, sig] = (call.form.get("assertion") ?? "").split(".");
  assert.ok(h && c && sig);
  assert.deepEqual(JSON.parse(Buffer.from(h, "base64url").toString()), {
    alg: "RS256",
    typ: "JWT",
    kid: "kid-1",
  });
  assert.deepEqual(JSON.parse(Buffer.from(c, "base64url").toString()), {
    iss: "gw@proj.iam.gserviceaccount.com",
    scope: CLOUD_PLATFORM_SCOPE,
    aud: TOKEN_URI,
    iat: now / 1000,
    exp: now / 1000 + 3600,
  });
  assert.ok(verify("sha256", Buffer.from(`${h}.${c}`), publicKey, Buffer.from(sig, "base64url")));
});

test("a token is reused until shortly before it expires, then refreshed", async () => {
  const ep = fakeEndpoint(ok);
  let now = 0;
  const tokens = new GcpTokens({ fetch: ep.fetch, now: () => now });
  assert.equal(await tokens.token(KEY), "tok-1");
  now = 3600_000 - 5 * 60_000 - 1; // just inside the 5-minute margin
  assert.equal(await tokens.token(KEY), "tok-1");
  now += 2;
  assert.equal(await tokens.token(KEY), "tok-2");
  assert.equal(tokens.exchanges(KEY), 2);
});

test("a short-lived token is refreshed at three quarters of its life", async () => {
  const ep = fakeEndpoint((n) => ({ status: 200, body: { access_token: `t${n}`, expires_in: 4 } }));
  let now = 0;
  const tokens = new GcpTokens({ fetch: ep.fetch, now: () => now });
  assert.equal(await tokens.token(KEY), "t1");
  now = 2999;
  assert.equal(await tokens.token(KEY), "t1");
  now = 3000;
  assert.equal(await tokens.token(KEY), "t2");
});

test("concurrent requests share one exchange (single flight)", async () => {
  const ep = fakeEndpoint(ok);
  const tokens = new GcpTokens({ fetch: ep.fetch });
  ep.hold();
  const waiting = Array.from({ length: 20 }, () => tokens.token(KEY));
  await new Promise((r) => setTimeout(r, 20));
  ep.release();
  const got = await Promise.all(waiting);
  assert.deepEqual(new Set(got), new Set(["tok-1"]));
  assert.equal(ep.calls.length, 1);
});

test("a waiting request that is aborted stops waiting; the exchange still serves the others", async () => {
  const ep = fakeEndpoint(ok);
  const tokens = new GcpTokens({ fetch: ep.fetch });
  ep.hold();
  const ac = new AbortController();
  const aborted = tokens.token(KEY, ac.signal);
  const other = tokens.token(KEY);
  ac.abort(new Error("client gone"));
  await assert.rejects(aborted, /client gone/);
  ep.release();
  assert.equal(await other, "tok-1");
});

test("invalidate() drops a refused token", async () => {
  const ep = fakeEndpoint(ok);
  const tokens = new GcpTokens({ fetch: ep.fetch });
  assert.equal(await tokens.token(KEY), "tok-1");
  tokens.invalidate(KEY, "tok-1");
  assert.equal(await tokens.token(KEY), "tok-2");
});

test("a refused exchange fails with the status and OAuth2 code only, and is held for a second", async () => {
  const ep = fakeEndpoint(() => ({
    status: 400,
    body: { error: "invalid_grant", error_description: `bad ${PEM.slice(40, 80)}` },
  }));
  let now = 0;
  const tokens = new GcpTokens({ fetch: ep.fetch, now: () => now });
  const err = await tokens.token(KEY).catch((e: unknown) => e);
  assert.ok(err instanceof GcpTokenError);
  assert.equal(err.message, "token endpoint answered HTTP 400: invalid_grant");
  await assert.rejects(tokens.token(KEY), GcpTokenError);
  assert.equal(ep.calls.length, 1, "held: not asked again within a second");
  now = 1001;
  await assert.rejects(tokens.token(KEY), GcpTokenError);
  assert.equal(ep.calls.length, 2);
});

test("an unreachable endpoint, an answer without a token, a broken key: safe messages", async () => {
  const down = new GcpTokens({
    fetch: async () => {
      throw new TypeError(`fetch failed ${PEM}`);
    },
  });
  await assert.rejects(down.token(KEY), { message: "token endpoint unreachable" });
  const empty = new GcpTokens({ fetch: async () => new Response("{}", { status: 200 }) });
  await assert.rejects(empty.token(KEY), {
    message: "token endpoint answered without access_token and expires_in",
  });
  const broken = new GcpTokens({ fetch: fakeEndpoint(ok).fetch });
  const badKey = JSON.stringify({
    client_email: "a@b",
    private_key: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
    token_uri: TOKEN_URI,
  });
  const err = await broken.token(badKey).catch((e: unknown) => e);
  assert.ok(err instanceof GcpTokenError);
  assert.ok(!err.message.includes("AAAA"));
});

test("retain() forgets keys no snapshot uses", async () => {
  const ep = fakeEndpoint(ok);
  const tokens = new GcpTokens({ fetch: ep.fetch });
  await tokens.token(KEY);
  tokens.retain([KEY]);
  assert.equal(await tokens.token(KEY), "tok-1");
  tokens.retain([]);
  assert.equal(await tokens.token(KEY), "tok-2");
});
