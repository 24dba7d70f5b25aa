// policies.auth.azure end to end: the proxy gets Entra ID access tokens for an app registration
// (client credentials at the simulated Entra token endpoint, which checks grant_type, client_id,
// client_secret and scope strictly) and sends them as Authorization: Bearer to Azure OpenAI (which
// accepts only live tokens of its scope). The official openai SDK is the client. A token is fetched
// once for many (and concurrent) requests and again shortly before it expires; a refused or
// unreachable token endpoint is a 502 OpenAI-style error; the client secret never reaches a log
// line, /config_dump, /metrics or an error body.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import type { ProviderConfig } from "../../gateway/src/snapshot/schema.ts";
import { freePort } from "../harness/free-port.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { type ProxyWorld, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const APP = { tenantId: "72f988bf-tenant", clientId: "app-0001", clientSecret: "Zx8Q~entra-secret-e2e-0001" };
const SHORT_TTL_S = 4;
const msg = [{ role: "user" as const, content: "hi" }];

function entraProvider(sim: Simulator, creds: typeof APP, tokenUrl?: string): ProviderConfig {
  return provider(sim.url, "azureopenai", {
    azure: { apiVersion: "v1" },
    auth: {
      mode: "azureClientSecret",
      credential: JSON.stringify(creds),
      tokenUrl: tokenUrl ?? `${sim.url}/${creds.tenantId}/oauth2/v2.0/token`,
      scope: "https://cognitiveservices.azure.com/.default",
      source: "secret:ai/entra-app",
    },
  });
}

describe("proxy: Azure OpenAI with Entra ID client credentials", () => {
  let sim: Simulator;
  let shortSim: Simulator;
  let world: ProxyWorld;

  before(async () => {
    sim = await startSimulator({ entraApps: [APP] });
    shortSim = await startSimulator({ entraApps: [APP], entraTokenTtlSeconds: SHORT_TTL_S });
    world = await startProxyWorld();
    const closedPort = await freePort();
    const r = await world.apply(
      snapshot({
        backends: [
          backend("entra", [[entraProvider(sim, APP)]]),
          backend("short", [[entraProvider(shortSim, APP)]]),
          backend("wrong-secret", [[entraProvider(sim, { ...APP, clientSecret: "Zx8Q~wrong-secret-e2e" })]]),
          backend("token-down", [
            [entraProvider(sim, APP, `http://127.0.0.1:${closedPort}/${APP.tenantId}/oauth2/v2.0/token`)],
          ]),
        ],
        routes: ["entra", "short", "wrong-secret", "token-down"].map((name) =>
          route(name, [name], { match: { path: { type: "PathPrefix", value: `/${name}` } } }),
        ),
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await sim?.close();
    await shortSim?.close();
  });

  const client = (prefix: string) =>
    new OpenAI({ baseURL: `${world.base}/${prefix}/v1`, apiKey: "unused", maxRetries: 0 });

  it("one token for many requests, concurrent ones included; sent as Authorization: Bearer", async () => {
    const c = client("entra");
    const first = await c.chat.completions.create({ model: "gpt-4o-mini", messages: msg });
    assert.equal(first.object, "chat.completion");
    const seen = sim.lastRequest();
    assert.equal(seen?.path, "/openai/v1/chat/completions");
    assert.match(seen?.headers.authorization ?? "", /^Bearer eyJ/);
    assert.equal(seen?.headers["api-key"], undefined);
    await Promise.all(
      Array.from({ length: 12 }, () => c.chat.completions.create({ model: "gpt-4o-mini", messages: msg })),
    );
    const stream = await c.chat.completions.create({ model: "gpt-4o-mini", messages: msg, stream: true });
    for await (const _ of stream) {
      // drained
    }
    await c.embeddings.create({ model: "text-embedding-3-small", input: "x" });
    assert.equal(sim.entraTokensIssued(), 1, "one token exchange for every request");
  });

  it("concurrent first requests share one exchange, and the token is refreshed before it expires", async () => {
    const c = client("short");
    await Promise.all(
      Array.from({ length: 8 }, () => c.chat.completions.create({ model: "gpt-4o-mini", messages: msg })),
    );
    assert.equal(shortSim.entraTokensIssued(), 1, "single flight");
    // refreshed at three quarters of the 4 s lifetime: well before the simulator refuses it
    await new Promise((r) => setTimeout(r, SHORT_TTL_S * 750 + 300));
    const after = await c.chat.completions.create({ model: "gpt-4o-mini", messages: msg });
    assert.equal(after.object, "chat.completion");
    assert.equal(shortSim.entraTokensIssued(), 2, "a new token once the old one is near expiry");
  });

  it("a token Azure refuses is dropped: the client sees that 401 once, the next request gets a new token", async () => {
    const c = client("entra");
    await c.chat.completions.create({ model: "gpt-4o-mini", messages: msg });
    const before = sim.entraTokensIssued();
    sim.revokeEntraTokens();
    await assert.rejects(
      c.chat.completions.create({ model: "gpt-4o-mini", messages: msg }),
      (e: unknown) => e instanceof OpenAI.AuthenticationError,
    );
    const again = await c.chat.completions.create({ model: "gpt-4o-mini", messages: msg });
    assert.equal(again.object, "chat.completion");
    assert.equal(sim.entraTokensIssued() - before, 1, "one new token after the refusal");
  });

  it("a refused or unreachable token endpoint is a 502 OpenAI-style error without the secret", async () => {
    for (const name of ["wrong-secret", "token-down"]) {
      const before = sim.requests.filter((r) => r.path.startsWith("/openai/")).length;
      const res = await fetch(`${world.base}/${name}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: msg }),
      });
      const text = await res.text();
      assert.equal(res.status, 502, text);
      const body = JSON.parse(text) as { error: { code: string; type: string; message: string } };
      assert.equal(body.error.code, "upstream_credential_failed");
      assert.ok(!text.includes(APP.clientSecret) && !text.includes("wrong-secret-e2e"));
      const after = sim.requests.filter((r) => r.path.startsWith("/openai/")).length;
      assert.equal(after, before, "no provider call without a token");
    }
    const logs = world.logs.join("");
    assert.ok(
      logs.includes("Entra token endpoint answered HTTP 401: invalid_client"),
      "the reason is logged",
    );
    assert.ok(logs.includes("Entra token endpoint unreachable"));
  });

  it("the client secret and the tokens never reach logs, /config_dump or /metrics", async () => {
    const dump = await (await fetch(`${world.admin}/config_dump`)).text();
    const metrics = await world.metrics();
    const logs = world.logs.join("");
    const tokens = sim.requests
      .map((r) => r.headers.authorization)
      .filter((a): a is string => a?.startsWith("Bearer ") === true)
      .map((a) => a.slice(7));
    assert.ok(tokens.length > 0);
    for (const s of [APP.clientSecret, "Zx8Q~wrong-secret-e2e", ...tokens]) {
      assert.ok(!logs.includes(s), "secret or token in the logs");
      assert.ok(!dump.includes(s), "secret or token in /config_dump");
      assert.ok(!metrics.includes(s), "secret or token in /metrics");
    }
  });
});
