// Entra ID access tokens for an app registration: the client-credentials form is what Entra checks
// (grant_type, client_id, client_secret, scope), tokens are cached until shortly before expiry,
// refreshes are single-flight, failures are held briefly and never carry the client secret.
import assert from "node:assert/strict";
import { test } from "node:test";
import { AzureTokenError, AzureTokens } from "./azure-token.ts";
import type { FetchLike } from "./oauth-tokens.ts";

const SECRET = "Zx8Q~client-secret-value";
const SOURCE = {
  credential: JSON.stringify({ tenantId: "tenant-1", clientId: "app-1", clientSecret: SECRET }),
  tokenUrl: "http://127.0.0.1:9/tenant-1/oauth2/v2.0/token",
  scope: "https://cognitiveservices.azure.com/.default",
};

function fakeEndpoint(answer: (n: number) => { status: number; body: unknown }) {
  const calls: { url: string; form: URLSearchParams }[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, form: new URLSearchParams(String(init.body)) });
    if (gate) await gate;
    const a = answer(calls.length);
    return new Response(JSON.stringify(a.body), { status: a.status });
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
  body: { token_type: "Bearer", expires_in: 3599, ext_expires_in: 3599, access_token: `eyJ-${n}` },
});

test("the client-credentials form goes to the tenant's token URL", async () => {
  const ep = fakeEndpoint(ok);
  const tokens = new AzureTokens({ fetch: ep.fetch });
  assert.equal(await tokens.token(SOURCE), "eyJ-1");
  const call = ep.calls[0];
  assert.ok(call);
  assert.equal(call.url, SOURCE.tokenUrl);
  assert.deepEqual(Object.fromEntries(call.form), {
    grant_type: "client_credentials",
    client_id: "app-1",
    client_secret: SECRET,
    scope: SOURCE.scope,
  });
});

test("a token is reused until five minutes before it expires, then refreshed once", async () => {
  const ep = fakeEndpoint(ok);
  let now = 0;
  const tokens = new AzureTokens({ fetch: ep.fetch, now: () => now });
  assert.equal(await tokens.token(SOURCE), "eyJ-1");
  now = 3599_000 - 5 * 60_000 - 1;
  assert.equal(await tokens.token(SOURCE), "eyJ-1");
  now += 2;
  assert.equal(await tokens.token(SOURCE), "eyJ-2");
  assert.equal(tokens.exchanges(SOURCE), 2);
});

test("concurrent requests share one exchange; an aborted waiter stops waiting alone", async () => {
  const ep = fakeEndpoint(ok);
  const tokens = new AzureTokens({ fetch: ep.fetch });
  ep.hold();
  const ac = new AbortController();
  const aborted = tokens.token(SOURCE, ac.signal);
  const waiting = Array.from({ length: 20 }, () => tokens.token(SOURCE));
  ac.abort(new Error("client gone"));
  await assert.rejects(aborted, /client gone/);
  ep.release();
  assert.deepEqual(new Set(await Promise.all(waiting)), new Set(["eyJ-1"]));
  assert.equal(ep.calls.length, 1);
});

test("a refused exchange names the status and the OAuth2 code only, and is held for a second", async () => {
  const ep = fakeEndpoint(() => ({
    status: 401,
    body: { error: "invalid_client", error_description: `AADSTS7000215: Invalid client secret ${SECRET}` },
  }));
  let now = 0;
  const tokens = new AzureTokens({ fetch: ep.fetch, now: () => now });
  const err = await tokens.token(SOURCE).catch((e: unknown) => e);
  assert.ok(err instanceof AzureTokenError);
  assert.equal(err.message, "Entra token endpoint answered HTTP 401: invalid_client");
  await assert.rejects(tokens.token(SOURCE), AzureTokenError);
  assert.equal(ep.calls.length, 1);
  now = 1001;
  await assert.rejects(tokens.token(SOURCE), AzureTokenError);
  assert.equal(ep.calls.length, 2);
});

test("unreachable endpoint, an answer without a token, unusable credentials: safe messages", async () => {
  const down = new AzureTokens({
    fetch: async () => {
      throw new TypeError(`fetch failed ${SECRET}`);
    },
  });
  await assert.rejects(down.token(SOURCE), { message: "Entra token endpoint unreachable" });
  const empty = new AzureTokens({ fetch: async () => new Response("{}", { status: 200 }) });
  await assert.rejects(empty.token(SOURCE), {
    message: "Entra token endpoint answered without access_token and expires_in",
  });
  const broken = new AzureTokens({ fetch: fakeEndpoint(ok).fetch });
  const err = await broken.token({ ...SOURCE, credential: `{"clientSecret":"${SECRET}"}` }).catch((e) => e);
  assert.ok(err instanceof AzureTokenError);
  assert.ok(!err.message.includes(SECRET));
});

test("invalidate() drops a refused token; retain() forgets registrations no snapshot uses", async () => {
  const ep = fakeEndpoint(ok);
  const tokens = new AzureTokens({ fetch: ep.fetch });
  assert.equal(await tokens.token(SOURCE), "eyJ-1");
  tokens.invalidate(SOURCE, "eyJ-1");
  assert.equal(await tokens.token(SOURCE), "eyJ-2");
  tokens.retain([SOURCE]);
  assert.equal(await tokens.token(SOURCE), "eyJ-2");
  tokens.retain([]);
  assert.equal(await tokens.token(SOURCE), "eyJ-3");
});
