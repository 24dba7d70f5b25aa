// policies.auth.location end to end: the official openai SDK through the proxy to simulated
// self-hosted OpenAI-compatible servers that take their key in a query parameter, a cookie or a
// header with a custom prefix (the simulator's keyLocation: only that place counts), plus
// additional credentials. A client value at the same place is replaced, never forwarded; the
// keys never reach a log line, /config_dump, /metrics or an error body.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import OpenAI from "openai";
import type { ProviderConfig } from "../../gateway/src/snapshot/schema.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { type ProxyWorld, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const QUERY_KEY = "sk-loc-query-0001";
const COOKIE_KEY = "sk-loc-cookie-0002";
const HEADER_KEY = "sk-loc-header-0003";
const MAIN_KEY = "sk-loc-main-0004";
const ORG = "org-loc-secret-0005";
const KEYS = [QUERY_KEY, COOKIE_KEY, HEADER_KEY, MAIN_KEY, ORG];
const msg = [{ role: "user" as const, content: "hi" }];

const inject = (credential: string, extra: Partial<Extract<ProviderConfig["auth"], { mode: "inject" }>>) => ({
  mode: "inject" as const,
  header: "",
  prefix: "",
  credential,
  source: "inline",
  ...extra,
});

describe("proxy: credential locations (query parameter, cookie, header prefix, additional credentials)", () => {
  let querySim: Simulator;
  let cookieSim: Simulator;
  let headerSim: Simulator;
  let mainSim: Simulator;
  let world: ProxyWorld;

  before(async () => {
    querySim = await startSimulator({
      requireKey: QUERY_KEY,
      keyLocation: { in: "queryParameter", name: "api_key" },
    });
    cookieSim = await startSimulator({
      requireKey: COOKIE_KEY,
      keyLocation: { in: "cookie", name: "session" },
    });
    headerSim = await startSimulator({
      requireKey: HEADER_KEY,
      keyLocation: { in: "header", name: "X-Token", prefix: "Token " },
    });
    mainSim = await startSimulator({ requireKey: MAIN_KEY });
    world = await startProxyWorld();
    const r = await world.apply(
      snapshot({
        backends: [
          backend("query", [
            [
              provider(querySim.url, "openai", {
                auth: inject(QUERY_KEY, { location: { in: "queryParameter", name: "api_key" } }),
              }),
            ],
          ]),
          backend("cookie", [
            [
              provider(cookieSim.url, "openai", {
                auth: inject(COOKIE_KEY, { location: { in: "cookie", name: "session" } }),
              }),
            ],
          ]),
          backend("header", [
            [
              provider(headerSim.url, "openai", {
                auth: inject(HEADER_KEY, { header: "X-Token", prefix: "Token " }),
              }),
            ],
          ]),
          backend("passthrough", [
            [
              provider(querySim.url, "openai", {
                auth: {
                  mode: "passthrough",
                  header: "",
                  location: { in: "queryParameter", name: "api_key" },
                },
              }),
            ],
          ]),
          backend("extra", [
            [
              provider(mainSim.url, "openai", {
                auth: inject(MAIN_KEY, { header: "Authorization", prefix: "Bearer " }),
                credentials: [
                  {
                    header: "OpenAI-Organization",
                    prefix: "",
                    credential: ORG,
                    source: "secret:ai/keys#org",
                  },
                ],
              }),
            ],
          ]),
        ],
        routes: ["query", "cookie", "header", "passthrough", "extra"].map((name) =>
          route(name, [name], { match: { path: { type: "PathPrefix", value: `/${name}` } } }),
        ),
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await Promise.all([querySim, cookieSim, headerSim, mainSim].map((s) => s?.close()));
  });

  const client = (prefix: string, opts: Partial<ConstructorParameters<typeof OpenAI>[0]> = {}) =>
    new OpenAI({ baseURL: `${world.base}/${prefix}/v1`, apiKey: "client-own-key", maxRetries: 0, ...opts });

  it("query parameter: set on the upstream URL, replacing the client's value", async () => {
    querySim.reset();
    const c = client("query", { defaultQuery: { api_key: "client-value", keep: "1" } });
    const chat = await c.chat.completions.create({ model: "gpt-4o-mini", messages: msg });
    assert.equal(chat.object, "chat.completion");
    const stream = await c.chat.completions.create({ model: "gpt-4o-mini", messages: msg, stream: true });
    let text = "";
    for await (const ch of stream) text += ch.choices[0]?.delta.content ?? "";
    assert.ok(text.length > 0);
    const seen = querySim.lastRequest();
    assert.equal(seen?.query.api_key, QUERY_KEY);
    assert.equal(seen?.query.keep, "1", "other client parameters go on");
    assert.equal(seen?.headers.authorization, undefined, "no key in a header");
  });

  it("cookie: one cookie of the Cookie header, replacing a client cookie of that name", async () => {
    cookieSim.reset();
    const c = client("cookie", { defaultHeaders: { cookie: "theme=dark; session=client-value" } });
    const chat = await c.chat.completions.create({ model: "gpt-4o-mini", messages: msg });
    assert.equal(chat.object, "chat.completion");
    const seen = cookieSim.lastRequest();
    assert.equal(seen?.headers.cookie, `theme=dark; session=${COOKIE_KEY}`);
    assert.equal(seen?.headers.authorization, undefined);
  });

  it("header with a custom prefix", async () => {
    headerSim.reset();
    const chat = await client("header", {
      defaultHeaders: { "x-token": "Token client-value" },
    }).chat.completions.create({
      model: "gpt-4o-mini",
      messages: msg,
    });
    assert.equal(chat.object, "chat.completion");
    const seen = headerSim.lastRequest();
    assert.equal(seen?.headers["x-token"], `Token ${HEADER_KEY}`);
    assert.equal(seen?.headers.authorization, undefined);
  });

  it("passthrough at a query parameter: the client's own key (its SDK bearer) goes there", async () => {
    querySim.reset();
    const chat = await client("passthrough", { apiKey: QUERY_KEY }).chat.completions.create({
      model: "gpt-4o-mini",
      messages: msg,
    });
    assert.equal(chat.object, "chat.completion");
    const seen = querySim.lastRequest();
    assert.equal(seen?.query.api_key, QUERY_KEY);
    assert.equal(seen?.headers.authorization, undefined, "moved, not copied");
    const wrong = await client("passthrough", { apiKey: "sk-not-the-key" })
      .chat.completions.create({ model: "gpt-4o-mini", messages: msg })
      .catch((e: unknown) => e);
    assert.ok(wrong instanceof OpenAI.AuthenticationError);
  });

  it("additional credentials travel beside the primary one", async () => {
    mainSim.reset();
    const emb = await client("extra").embeddings.create({ model: "text-embedding-3-small", input: "x" });
    assert.equal(emb.data.length, 1);
    const seen = mainSim.lastRequest();
    assert.equal(seen?.headers.authorization, `Bearer ${MAIN_KEY}`);
    assert.equal(seen?.headers["openai-organization"], ORG);
  });

  it("a provider error does not echo the key; no key in logs, /config_dump or /metrics", async () => {
    querySim.injectFault({ kind: "status", status: 400 });
    const err = await client("query")
      .chat.completions.create({ model: "gpt-4o-mini", messages: msg })
      .catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 400);
    assert.ok(!JSON.stringify(err.error).includes(QUERY_KEY));
    // a refused upstream call is logged at info with the request line: never the URL's key
    const dump = await (await fetch(`${world.admin}/config_dump`)).text();
    const metrics = await world.metrics();
    const logs = world.logs.join("");
    assert.ok(logs.includes('"status":400'), "the failed request was logged");
    for (const k of KEYS) {
      assert.ok(!logs.includes(k), `key ${k} in the logs`);
      assert.ok(!dump.includes(k), `key ${k} in /config_dump`);
      assert.ok(!metrics.includes(k), `key ${k} in /metrics`);
    }
  });
});
