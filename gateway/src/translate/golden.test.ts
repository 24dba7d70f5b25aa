// Golden translation cases: request, response and stream transcripts, one file each in testdata/.
import assert from "node:assert/strict";
import { test } from "node:test";
import { classifyPath } from "./catalogue.ts";
import { translateRequest } from "./plan.ts";
import { parseSseText } from "./sse-text.ts";
import { loadGoldens } from "./testdata/golden.ts";

const NOW = 1_700_000_000;

for (const { name, golden } of loadGoldens()) {
  test(`${name}: ${golden.description}`, () => {
    const PATHS = { chat: "/v1/chat/completions", messages: "/v1/messages", responses: "/v1/responses" };
    const c = classifyPath(PATHS[golden.client]);
    assert.ok(c.kind === "endpoint");
    const t = translateRequest(c.endpoint, golden.provider, structuredClone(golden.request), {
      nowS: NOW,
      providerModel: golden.providerModel,
      geminiApiVersion: undefined,
    });
    assert.ok(t, "a translation");
    assert.deepEqual({ path: t.path, body: t.body }, golden.upstreamRequest);
    if (golden.response !== undefined)
      assert.deepEqual(t.response.json(golden.response), golden.clientResponse);
    if (golden.stream) {
      let text = "";
      for (const data of golden.stream) {
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch {
          json = undefined;
        }
        text += t.response.event(data, json);
      }
      text += t.response.end();
      const got = parseSseText(text).map((e) => ({
        ...(e.event !== undefined ? { event: e.event } : {}),
        data: e.data === "[DONE]" ? "[DONE]" : JSON.parse(e.data),
      }));
      assert.deepEqual(got, golden.clientStream);
    }
  });
}
