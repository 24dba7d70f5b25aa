import assert from "node:assert/strict";
import type { IncomingMessage } from "node:http";
import { PassThrough } from "node:stream";
import { test } from "node:test";
import { GatewayError } from "../errors.ts";
import { bodyModel, isJsonContentType, parseBody, type RequestBody, readBody, rewriteBody } from "./body.ts";
import { BodyBudget } from "./body-budget.ts";

function fakeReq(chunks: string[], headers: Record<string, string> = {}): IncomingMessage {
  const s = new PassThrough();
  Object.assign(s, { headers });
  setImmediate(() => {
    for (const c of chunks) s.write(c);
    s.end();
  });
  return s as unknown as IncomingMessage;
}

function parsed(text: string, ct = "application/json"): RequestBody {
  const b = parseBody(Buffer.from(text), ct);
  assert.ok(!(b instanceof GatewayError), `${text} parses`);
  return b;
}

function refused(text: string, ct: string | undefined = "application/json"): GatewayError {
  const b = parseBody(Buffer.from(text), ct);
  assert.ok(b instanceof GatewayError, `${text.slice(0, 40)} is refused`);
  return b;
}

test("bodies are read whole up to the limit", async () => {
  const { raw } = await readBody(fakeReq(['{"a":', "1}"]), 100);
  assert.equal(raw.toString(), '{"a":1}');
});

test("a body over the limit is refused 413, by declared length or while streaming", async () => {
  await assert.rejects(readBody(fakeReq(["x"], { "content-length": "101" }), 100), (e: unknown) => {
    return e instanceof GatewayError && e.code === "request_too_large" && e.status === 413;
  });
  await assert.rejects(readBody(fakeReq(["x".repeat(60), "y".repeat(60)]), 100), (e: unknown) => {
    return e instanceof GatewayError && e.code === "request_too_large";
  });
});

test("the body budget is reserved while a body is held and refuses beyond it (503)", async () => {
  let refusedCount = 0;
  const budget = new BodyBudget(100, () => refusedCount++);
  const a = await readBody(fakeReq(["x".repeat(60)]), 1000, budget);
  assert.equal(budget.used, 60);
  await assert.rejects(readBody(fakeReq(["y".repeat(50)]), 1000, budget), (e: unknown) => {
    return e instanceof GatewayError && e.code === "body_budget_exceeded" && e.status === 503;
  });
  await assert.rejects(readBody(fakeReq(["y"], { "content-length": "41" }), 1000, budget));
  assert.equal(budget.used, 60, "a refused body gives back what it took");
  assert.equal(refusedCount, 2);
  budget.give(a.reserved);
  assert.equal(budget.used, 0);
});

test("JSON bodies: picked members parsed; bad JSON is invalid_json; other content types 415", () => {
  const ok = parsed('{"model":"gpt-4o","messages":[{"a":[1,2.5e3,-0,true,false,null,"\\u00e9\\n"]}]}');
  assert.equal(bodyModel(ok), "gpt-4o");
  assert.deepEqual(ok.fields, { model: "gpt-4o" });
  assert.equal(refused("{not json", undefined).code, "invalid_json");
  assert.equal(refused('{"a":1,}').code, "invalid_json");
  assert.equal(refused('{"a":01}').code, "invalid_json");
  assert.equal(refused('{"a":"\x01"}').code, "invalid_json");
  assert.equal(refused('{"a":"\\x"}').code, "invalid_json");
  assert.equal(refused('{"a":1} x').code, "invalid_json");
  assert.equal(refused('{"a":[1 2]}').code, "invalid_json");
  const bad = refused('{"model":"x"}', "multipart/form-data; boundary=x");
  assert.equal(bad.code, "unsupported_media_type");
  assert.equal(bad.status, 415);
  assert.equal(refused('{"model":"x"}', "text/plain").code, "unsupported_media_type");
  assert.equal(refused('{"model":"x"}', "application/x-www-form-urlencoded").code, "unsupported_media_type");
  const empty = parseBody(Buffer.alloc(0), "text/plain");
  assert.ok(!(empty instanceof GatewayError) && empty.fields === undefined);
  assert.equal(isJsonContentType("application/vnd.api+json"), true);
  assert.equal(refused("[1,2]").code, "invalid_request");
  assert.equal(bodyModel(parsed('{"model":3}')), undefined);
});

test("nesting is bounded: 5000 levels deep is 400 json_too_deep, not a stack overflow", () => {
  const deep = `{"a":${"[".repeat(5000)}${"]".repeat(5000)}}`;
  assert.equal(refused(deep).code, "json_too_deep");
  const ok = `{"a":${"[".repeat(100)}${"]".repeat(100)}}`;
  parsed(ok);
});

test("escaped and duplicate member names cannot smuggle a second model", () => {
  assert.equal(bodyModel(parsed('{"mod\\u0065l":"escaped"}')), "escaped");
  const dup = refused('{"model":"a","mod\\u0065l":"b"}');
  assert.equal(dup.code, "invalid_request");
  assert.match(dup.publicMessage, /"model" more than once/);
  // nested members of the same name are not top-level ones
  assert.equal(bodyModel(parsed('{"x":{"model":"inner"},"model":"outer"}')), "outer");
});

test("millions of empty objects are scanned without building them", () => {
  const body = `{"model":"x","messages":[],"e":[${"{},".repeat(3_000_000)}{}]}`;
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const b = parsed(body);
  const ms = performance.now() - started;
  const grown = process.memoryUsage().heapUsed - before;
  assert.equal(bodyModel(b), "x");
  assert.ok(grown < 50 * 1024 * 1024, `heap grew ${grown} bytes`);
  console.log(`scan of ${body.length} bytes: ${ms.toFixed(0)} ms, heap +${(grown / 1e6).toFixed(1)} MB`);
});

test("a rewrite replaces only the changed members and keeps the client's bytes", () => {
  const text = '{ "model" : "client-model", "messages":[{"role":"user","content":"hi"}], "stream":true }';
  const b = parsed(text);
  const same = rewriteBody(b, { model: "client-model", stream: true });
  assert.equal(same, b.raw, "nothing changed: the same Buffer");
  const pinned = rewriteBody(b, { model: "pinned", stream: true, stream_options: { include_usage: true } });
  assert.equal(
    pinned.toString(),
    '{"stream_options":{"include_usage":true}, "model" : "pinned", "messages":[{"role":"user","content":"hi"}], "stream":true }',
  );
  assert.deepEqual(JSON.parse(pinned.toString()), {
    model: "pinned",
    messages: [{ role: "user", content: "hi" }],
    stream: true,
    stream_options: { include_usage: true },
  });
  assert.equal(b.raw.toString(), text, "the client's buffer is untouched (retries reuse it)");
  assert.equal(rewriteBody(parsed("{}"), { model: "m" }).toString(), '{"model":"m"}');
});
