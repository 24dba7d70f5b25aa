// The simulated Vertex AI: the token endpoint checks JWT assertions as Google does, Vertex calls
// need a live token of the path's project, and both publishers validate their bodies strictly.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Simulator, simulatedReplyText, startSimulator } from "./index.ts";
import { exchangeAssertion, parseSse, postJson, testServiceAccount } from "./testing.ts";

const sa = testServiceAccount("proj-1");
const stranger = testServiceAccount("proj-1", "stranger");
const other = testServiceAccount("proj-2", "other");

describe("simulator: Vertex AI", () => {
  let sim: Simulator;
  let tokenUrl: string;
  const base = () => `${sim.url}/v1/projects/proj-1/locations/us-east5/publishers`;
  before(async () => {
    sim = await startSimulator({
      chunks: 3,
      gcpServiceAccounts: [sa, other].map(({ clientEmail, publicKeyPem, projectId }) => ({
        clientEmail,
        publicKeyPem,
        projectId,
      })),
    });
    tokenUrl = `${sim.url}/token`;
  });
  after(() => sim.close());

  async function token(account = sa): Promise<string> {
    const r = await exchangeAssertion(tokenUrl, account.assertion({ aud: tokenUrl }));
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.token_type, "Bearer");
    assert.equal(r.body.expires_in, 3600);
    return r.body.access_token as string;
  }

  it("issues a token for a valid assertion and refuses bad ones the way Google does", async () => {
    assert.match(await token(), /^ya29\./);
    const cases: [string, { status: number; body: Record<string, unknown> }][] = [
      [
        "other key",
        await exchangeAssertion(tokenUrl, stranger.assertion({ aud: tokenUrl, iss: sa.clientEmail })),
      ],
      ["unknown iss", await exchangeAssertion(tokenUrl, stranger.assertion({ aud: tokenUrl }))],
      [
        "wrong aud",
        await exchangeAssertion(tokenUrl, sa.assertion({ aud: "https://oauth2.googleapis.com/token" })),
      ],
      ["no scope", await exchangeAssertion(tokenUrl, sa.assertion({ aud: tokenUrl, scope: "openid" }))],
      [
        "too long",
        await exchangeAssertion(tokenUrl, sa.assertion({ aud: tokenUrl, exp: Date.now() / 1000 + 7200 })),
      ],
      ["expired", await exchangeAssertion(tokenUrl, sa.assertion({ aud: tokenUrl, iat: 1000, exp: 2000 }))],
      ["HS256", await exchangeAssertion(tokenUrl, sa.assertion({ aud: tokenUrl }, { alg: "HS256" }))],
      ["grant", await exchangeAssertion(tokenUrl, sa.assertion({ aud: tokenUrl }), "client_credentials")],
    ];
    for (const [what, r] of cases) {
      assert.equal(r.status, 400, what);
      assert.ok(typeof r.body.error === "string" && r.body.error !== "", what);
      assert.equal(r.body.access_token, undefined, what);
    }
    assert.equal(cases[0]?.[1].body.error_description, "Invalid JWT Signature.");
    assert.equal(cases[7]?.[1].body.error, "unsupported_grant_type");
  });

  it("Gemini on Vertex: generateContent and streamGenerateContent?alt=sse with a token", async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const body = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
    const r = await postJson(`${base()}/google/models/gemini-2.5-flash:generateContent`, body, auth);
    assert.equal(r.status, 200);
    const j = (await r.json()) as {
      candidates: { content: { parts: { text: string }[] } }[];
      modelVersion: string;
    };
    assert.equal(j.candidates[0]?.content.parts[0]?.text, simulatedReplyText(3));
    assert.equal(j.modelVersion, "gemini-2.5-flash");
    const s = await postJson(
      `${base()}/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
      body,
      auth,
    );
    assert.equal(s.headers.get("content-type"), "text/event-stream");
    assert.equal(parseSse(await s.text()).length, 3);
    const count = await postJson(`${base()}/google/models/gemini-2.5-flash:countTokens`, body, auth);
    assert.equal(((await count.json()) as { totalTokens: number }).totalTokens > 0, true);
    const wrapped = { generateContentRequest: { model: "models/gemini-2.5-flash", ...body } };
    const refusedWrap = await postJson(`${base()}/google/models/gemini-2.5-flash:countTokens`, wrapped, auth);
    assert.equal(refusedWrap.status, 400, "Vertex has no generateContentRequest wrapper");
    const bad = await postJson(
      `${base()}/google/models/gemini-2.5-flash:generateContent`,
      { messages: [] },
      auth,
    );
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { status: string } }).error.status, "INVALID_ARGUMENT");
  });

  it("Claude on Vertex: anthropic_version in the body, no model, stream matches the method", async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const body = {
      anthropic_version: "vertex-2023-10-16",
      max_tokens: 50,
      messages: [{ role: "user", content: "hi" }],
    };
    const url = `${base()}/anthropic/models/claude-sonnet-4-5@20250929:rawPredict`;
    const r = await postJson(url, body, auth);
    assert.equal(r.status, 200);
    const j = (await r.json()) as {
      model: string;
      content: { text: string }[];
      usage: { output_tokens: number };
    };
    assert.equal(j.model, "claude-sonnet-4-5@20250929");
    assert.equal(j.content[0]?.text, simulatedReplyText(3));
    assert.equal(j.usage.output_tokens, 3);
    const s = await postJson(
      url.replace(":rawPredict", ":streamRawPredict"),
      { ...body, stream: true },
      auth,
    );
    const events = parseSse(await s.text()).map((e) => e.event);
    assert.equal(events[0], "message_start");
    assert.equal(events.at(-1), "message_stop");
    for (const [what, b] of [
      ["model in body", { ...body, model: "claude-sonnet-4-5" }],
      ["no anthropic_version", { max_tokens: 50, messages: body.messages }],
      ["Anthropic API version", { ...body, anthropic_version: "2023-06-01" }],
      ["stream on rawPredict", { ...body, stream: true }],
    ] as const) {
      const bad = await postJson(url, b, auth);
      assert.equal(bad.status, 400, what);
      assert.equal(((await bad.json()) as { type: string }).type, "error", what);
    }
  });

  it("401 without a live token, 403 for another project's token", async () => {
    const body = { contents: [{ parts: [{ text: "hi" }] }] };
    const url = `${base()}/google/models/gemini-2.5-flash:generateContent`;
    const none = await postJson(url, body);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { error: { status: string } }).error.status, "UNAUTHENTICATED");
    assert.equal((await postJson(url, body, { authorization: "Bearer ya29.made-up" })).status, 401);
    assert.equal((await postJson(url, body, { "x-goog-api-key": "AIza-key" })).status, 401);
    const forbidden = await postJson(url, body, { authorization: `Bearer ${await token(other)}` });
    assert.equal(forbidden.status, 403);
    assert.equal(
      ((await forbidden.json()) as { error: { status: string } }).error.status,
      "PERMISSION_DENIED",
    );
  });
});

it("simulator: Vertex AI tokens expire after their lifetime", async () => {
  const sim = await startSimulator({
    gcpTokenTtlSeconds: 2,
    gcpServiceAccounts: [{ clientEmail: sa.clientEmail, publicKeyPem: sa.publicKeyPem, projectId: "proj-1" }],
  });
  try {
    const tokenUrl = `${sim.url}/token`;
    const r = await exchangeAssertion(tokenUrl, sa.assertion({ aud: tokenUrl }));
    assert.equal(r.body.expires_in, 2);
    const auth = { authorization: `Bearer ${r.body.access_token}` };
    const url = `${sim.url}/v1/projects/proj-1/locations/global/publishers/google/models/gemini-2.5-flash:generateContent`;
    const body = { contents: [{ parts: [{ text: "hi" }] }] };
    assert.equal((await postJson(url, body, auth)).status, 200);
    await new Promise((res) => setTimeout(res, 2100));
    assert.equal((await postJson(url, body, auth)).status, 401);
    assert.equal(sim.gcpTokensIssued(), 1);
  } finally {
    await sim.close();
  }
});
