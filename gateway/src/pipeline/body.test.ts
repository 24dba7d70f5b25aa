import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { GatewayError } from "../errors.ts";
import { bodyModel, isJsonContentType, parseBody, readBody } from "./body.ts";

function fakeReq(chunks: string[], headers: Record<string, string> = {}): IncomingMessage {
  const s = new PassThrough();
  Object.assign(s, { headers });
  setImmediate(() => {
    for (const c of chunks) s.write(c);
    s.end();
  });
  return s as unknown as IncomingMessage;
}

test("bodies are read whole up to the limit", async () => {
  const buf = await readBody(fakeReq(['{"a":', "1}"]), 100);
  assert.equal(buf.toString(), '{"a":1}');
});

test("a body over the limit is refused, by declared length or while streaming", async () => {
  await assert.rejects(readBody(fakeReq(["x"], { "content-length": "101" }), 100), (e: unknown) => {
    return e instanceof GatewayError && e.code === "request_too_large" && e.status === 400;
  });
  await assert.rejects(readBody(fakeReq(["x".repeat(60), "y".repeat(60)]), 100), (e: unknown) => {
    return e instanceof GatewayError && e.code === "request_too_large";
  });
});

test("JSON bodies are parsed; bad JSON is invalid_json; other content types pass raw", () => {
  const ok = parseBody(Buffer.from('{"model":"gpt-4o"}'), "application/json; charset=utf-8");
  assert.ok(!(ok instanceof GatewayError));
  assert.equal(bodyModel(ok.json), "gpt-4o");
  const bad = parseBody(Buffer.from("{not json"), undefined);
  assert.ok(bad instanceof GatewayError && bad.code === "invalid_json" && bad.status === 400);
  const form = parseBody(Buffer.from("{not json"), "multipart/form-data; boundary=x");
  assert.ok(!(form instanceof GatewayError) && form.json === undefined);
  const empty = parseBody(Buffer.alloc(0), "application/json");
  assert.ok(!(empty instanceof GatewayError) && empty.json === undefined);
  assert.equal(isJsonContentType("application/vnd.api+json"), true);
  assert.equal(isJsonContentType("text/plain"), false);
  assert.equal(bodyModel([1, 2]), undefined);
  assert.equal(bodyModel({ model: 3 }), undefined);
});
