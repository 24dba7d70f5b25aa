// One accepted corpus case end to end: its request sent through a gateway with the official SDK of
// its client format, then what the simulator recorded checked against the case's header.

import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { ENTRA_TOKEN_PATH } from "../simulator/entra.ts";
import type { Simulator } from "../simulator/index.ts";
import type { RecordedRequest } from "../simulator/types.ts";
import type { AcceptedHeader, CorpusCase } from "./corpus.ts";

/** The key clients send unless a case names its own: it must never reach a provider. */
export const CLIENT_KEY = "client-key-must-not-travel-0001";

/** Every expected field present in `actual` with the same value; arrays element by element. */
export function assertSubset(actual: unknown, expected: unknown, where = "body"): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${where}: expected an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${where}: length (${JSON.stringify(actual)})`);
    expected.forEach((e, i) => {
      assertSubset(actual[i], e, `${where}[${i}]`);
    });
    return;
  }
  if (typeof expected === "object" && expected !== null) {
    assert.ok(typeof actual === "object" && actual !== null, `${where}: expected an object, got ${actual}`);
    for (const [k, v] of Object.entries(expected)) {
      assertSubset((actual as Record<string, unknown>)[k], v, `${where}.${k}`);
    }
    return;
  }
  assert.equal(actual, expected, where);
}

/** One accepted case: the simulator reset (and armed), the request sent, the recording checked. */
export async function exchange(c: CorpusCase, baseUrl: string, sim: Simulator): Promise<void> {
  const h = c.header as AcceptedHeader;
  sim.reset();
  if (h.request.firstCallStatus !== undefined)
    sim.injectFault({ kind: "status", status: h.request.firstCallStatus }, { count: 1 });
  await sendRequest(c, baseUrl);
  checkRecorded(c, sim);
}

/** Sends the case's request through the gateway at `baseUrl` and checks the answer's shape. */
export async function sendRequest(c: CorpusCase, baseUrl: string): Promise<void> {
  const h = c.header as AcceptedHeader;
  const apiKey = h.request.apiKey ?? CLIENT_KEY;
  const text = h.request.text ?? "Hi";
  const headers = { "x-corpus": c.name };
  const params = h.request.params ?? {};
  if (h.client === "openai") {
    const client = new OpenAI({ baseURL: `${baseUrl}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });
    const res = await client.chat.completions.create({
      ...params,
      model: h.request.model,
      messages: [{ role: "user", content: text }],
    } as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming);
    assert.equal(res.choices[0]?.message.role, "assistant", `${c.file}: ${JSON.stringify(res)}`);
    assert.ok((res.choices[0]?.message.content ?? "").length > 0, `${c.file}: an answer`);
  } else if (h.client === "anthropic") {
    const client = new Anthropic({ baseURL: baseUrl, apiKey, maxRetries: 0, defaultHeaders: headers });
    const res = await client.messages.create({
      max_tokens: 256,
      ...params,
      model: h.request.model,
      messages: [{ role: "user", content: text }],
    } as Anthropic.MessageCreateParamsNonStreaming);
    assert.equal(res.content[0]?.type, "text", `${c.file}: ${JSON.stringify(res)}`);
  } else {
    const ai = new GoogleGenAI({ apiKey, httpOptions: { baseUrl, headers } });
    const res = await ai.models.generateContent({ model: h.request.model, contents: text, ...params });
    assert.ok((res.text ?? "").length > 0, `${c.file}: an answer`);
  }
}

/** The provider calls the simulator recorded (the OAuth token exchange is checked separately). */
function providerCalls(sim: Simulator): RecordedRequest[] {
  // token endpoints (Google's, Entra's) are not provider calls
  return sim.requests.filter((r) => r.path !== "/token" && !ENTRA_TOKEN_PATH.test(r.path));
}

/** Checks the provider call recorded since the last reset (the one after the failed first, with
 * `firstCallStatus`) against the case's header. */
export function checkRecorded(c: CorpusCase, sim: Simulator): void {
  const h = c.header as AcceptedHeader;
  const calls = providerCalls(sim);
  const expected = h.request.firstCallStatus === undefined ? 1 : 2;
  assert.equal(
    calls.length,
    expected,
    `${c.file}: ${expected} provider call(s), got ${calls.map((r) => r.path).join(", ")}`,
  );
  const got = calls.at(-1) as RecordedRequest;
  const up = h.upstream;
  assert.equal(got.path.split("?")[0], up.path, `${c.file}: provider path`);
  for (const [k, v] of Object.entries(up.query ?? {})) assert.equal(got.query[k], v, `${c.file}: ?${k}`);
  for (const [k, v] of Object.entries(up.headers ?? {})) assert.equal(got.headers[k], v, `${c.file}: ${k}`);
  if (up.body !== undefined) assertSubset(got.body, up.body, `${c.file}: body`);
  if (up.signature === "sigv4") {
    assert.ok(up.aws, `${c.file}: sigv4 needs upstream.aws`);
    assert.match(
      got.headers.authorization ?? "",
      new RegExp(
        `^AWS4-HMAC-SHA256 Credential=${up.aws.accessKeyId}/\\d{8}/${up.aws.region}/bedrock/aws4_request`,
      ),
      `${c.file}: signed with the Secret's access key for the region`,
    );
  }
  if (up.signature === "gcp-oauth") {
    assert.match(got.headers.authorization ?? "", /^Bearer \S+$/, `${c.file}: an OAuth access token`);
    assert.ok(sim.gcpTokensIssued() > 0, `${c.file}: the token came from the token endpoint`);
  }
  if (up.signature === "entra-oauth") {
    assert.match(got.headers.authorization ?? "", /^Bearer \S+$/, `${c.file}: an Entra access token`);
    assert.ok(sim.entraTokensIssued() > 0, `${c.file}: the token came from the Entra token endpoint`);
  }
  if (h.request.apiKey === undefined) {
    const all = JSON.stringify(got.headers);
    assert.ok(!all.includes(CLIENT_KEY), `${c.file}: the client's key reached the provider`);
  }
}
