// The simulated Entra ID token endpoint is as strict as the real one (client credentials flow), and
// Azure OpenAI accepts its tokens as Authorization: Bearer only while they live and for their scope.
// The official AzureOpenAI client (azureADTokenProvider) is the caller of the Azure endpoints.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI, { AzureOpenAI } from "openai";
import { COGNITIVE_SERVICES_SCOPE, FOUNDRY_SCOPE } from "./entra.ts";
import { type Simulator, startSimulator } from "./index.ts";
import { postJson } from "./testing.ts";

const APP = { tenantId: "tenant-a", clientId: "app-a", clientSecret: "s3cret~value" };
const msg = [{ role: "user" as const, content: "hi" }];

function form(
  sim: Simulator,
  fields: Record<string, string>,
  tenant = APP.tenantId,
  type = "application/x-www-form-urlencoded",
) {
  return fetch(`${sim.url}/${tenant}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": type },
    body: new URLSearchParams(fields).toString(),
  });
}

const good = {
  grant_type: "client_credentials",
  client_id: APP.clientId,
  client_secret: APP.clientSecret,
  scope: COGNITIVE_SERVICES_SCOPE,
};

describe("simulator: Entra ID client credentials", () => {
  let sim: Simulator;
  let shortSim: Simulator;
  before(async () => {
    sim = await startSimulator({ entraApps: [APP], requireKey: "sk-azure-key" });
    shortSim = await startSimulator({ entraApps: [APP], entraTokenTtlSeconds: 1 });
  });
  after(async () => {
    await sim.close();
    await shortSim.close();
  });

  it("issues a bearer token for a registered app and the right scope", async () => {
    const r = await form(sim, good);
    assert.equal(r.status, 200);
    const body = (await r.json()) as Record<string, unknown>;
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3599);
    assert.equal(typeof body.access_token, "string");
    assert.equal(sim.entraTokensIssued(), 1);
  });

  it("refuses every malformed exchange with Entra's error codes", async () => {
    const cases: [Record<string, string>, string, number, string?, string?][] = [
      [{ ...good, grant_type: "password" }, "unsupported_grant_type", 400],
      [{ ...good, client_secret: "wrong" }, "invalid_client", 401],
      [{ ...good, client_id: "other-app" }, "unauthorized_client", 400],
      [{ ...good, scope: "https://management.azure.com/" }, "invalid_scope", 400],
      [Object.fromEntries(Object.entries(good).filter(([k]) => k !== "scope")), "invalid_request", 400],
      [
        Object.fromEntries(Object.entries(good).filter(([k]) => k !== "client_secret")),
        "invalid_request",
        400,
      ],
      [good, "invalid_request", 400, "other-tenant"],
      [good, "invalid_request", 400, APP.tenantId, "application/json"],
    ];
    for (const [fields, error, status, tenant, type] of cases) {
      const r = await form(sim, fields, tenant, type);
      const body = (await r.json()) as { error: string; error_description: string };
      assert.equal(r.status, status, JSON.stringify(fields));
      assert.equal(body.error, error, JSON.stringify(fields));
      assert.match(body.error_description, /^AADSTS\d+: /);
    }
  });

  it("Azure OpenAI accepts a live token of its scope (AzureOpenAI client with a token provider)", async () => {
    const token = ((await (await form(sim, good)).json()) as { access_token: string }).access_token;
    const client = (t: string) =>
      new AzureOpenAI({
        endpoint: sim.url,
        azureADTokenProvider: async () => t,
        apiVersion: "2024-10-21",
        deployment: "d",
        maxRetries: 0,
      });
    const ok = await client(token).chat.completions.create({ model: "m", messages: msg });
    assert.equal(ok.model, "d");
    await assert.rejects(
      client("eyJ-not-issued").chat.completions.create({ model: "m", messages: msg }),
      (e: unknown) => e instanceof OpenAI.AuthenticationError,
    );
    // a Foundry project endpoint wants the ai.azure.com scope
    const foundry = `${sim.url}/api/projects/p/openai/v1/chat/completions`;
    const wrongScope = await postJson(
      foundry,
      { model: "m", messages: msg },
      { authorization: `Bearer ${token}` },
    );
    assert.equal(wrongScope.status, 401);
    const foundryToken = (
      (await (await form(sim, { ...good, scope: FOUNDRY_SCOPE })).json()) as { access_token: string }
    ).access_token;
    const right = await postJson(
      foundry,
      { model: "m", messages: msg },
      { authorization: `Bearer ${foundryToken}` },
    );
    assert.equal(right.status, 200);
  });

  it("an expired token is refused", async () => {
    const token = ((await (await form(shortSim, good)).json()) as { access_token: string }).access_token;
    const call = () =>
      postJson(
        `${shortSim.url}/openai/v1/chat/completions`,
        { model: "m", messages: msg },
        { authorization: `Bearer ${token}` },
      );
    assert.equal((await call()).status, 200);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await call()).status, 401);
  });
});

describe("simulator: keyLocation", () => {
  const KEY = "sk-located";
  const chat = { model: "m", messages: msg };
  it("a query parameter, a cookie or a prefixed header: only that place counts", async () => {
    const q = await startSimulator({
      requireKey: KEY,
      keyLocation: { in: "queryParameter", name: "api_key" },
    });
    const c = await startSimulator({ requireKey: KEY, keyLocation: { in: "cookie", name: "session" } });
    const h = await startSimulator({
      requireKey: KEY,
      keyLocation: { in: "header", name: "X-Token", prefix: "Token " },
    });
    try {
      assert.equal((await postJson(`${q.url}/v1/chat/completions?api_key=${KEY}`, chat)).status, 200);
      assert.equal(
        (await postJson(`${q.url}/v1/chat/completions`, chat, { authorization: `Bearer ${KEY}` })).status,
        401,
      );
      assert.equal(
        (await postJson(`${c.url}/v1/chat/completions`, chat, { cookie: `a=1; session=${KEY}` })).status,
        200,
      );
      assert.equal(
        (await postJson(`${c.url}/v1/chat/completions`, chat, { cookie: `session=x` })).status,
        401,
      );
      assert.equal(
        (await postJson(`${h.url}/v1/chat/completions`, chat, { "x-token": `Token ${KEY}` })).status,
        200,
      );
      assert.equal((await postJson(`${h.url}/v1/chat/completions`, chat, { "x-token": KEY })).status, 401);
    } finally {
      await Promise.all([q.close(), c.close(), h.close()]);
    }
  });
});
