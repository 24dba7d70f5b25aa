import assert from "node:assert/strict";
import { test } from "node:test";
import { eventJson, SseParser } from "./sse.ts";

test("events split across chunks, CRLF and multi-line data", () => {
  const p = new SseParser();
  assert.deepEqual(p.push('data: {"a"'), []);
  const evs = p.push(":1}\n\nevent: message_start\r\ndata: x\r\ndata: y\r\n\r\ndata: [DONE]\n");
  assert.equal(evs.length, 2);
  assert.deepEqual(eventJson(evs[0]!), { a: 1 });
  assert.equal(evs[0]!.raw, 'data: {"a":1}\n\n');
  assert.equal(evs[1]!.event, "message_start");
  assert.equal(evs[1]!.data, "x\ny");
  const last = p.push("\n");
  assert.equal(last.length, 1);
  assert.equal(last[0]!.data, "[DONE]");
  assert.equal(eventJson(last[0]!), undefined);
  assert.equal(p.rest(), "");
});

test("a CRLF blank line split between chunks is found; tails are kept", () => {
  const p = new SseParser();
  assert.deepEqual(p.push("data: 1\r"), []);
  assert.deepEqual(p.push("\n\r"), []);
  const evs = p.push("\ndata: 2");
  assert.equal(evs.length, 1);
  assert.equal(evs[0]!.data, "1");
  assert.equal(p.rest(), "data: 2");
});

test("multi-byte characters split across chunks survive", () => {
  const p = new SseParser();
  const bytes = Buffer.from('data: {"t":"héllo"}\n\n');
  const cut = bytes.indexOf(0xc3) + 1;
  assert.deepEqual(p.push(bytes.subarray(0, cut)), []);
  const evs = p.push(bytes.subarray(cut));
  assert.deepEqual(eventJson(evs[0]!), { t: "héllo" });
});

test("comments are events with empty data (kept for byte-exact relays)", () => {
  const p = new SseParser();
  const evs = p.push(": keep-alive\n\n");
  assert.equal(evs.length, 1);
  assert.equal(evs[0]!.data, "");
  assert.equal(evs[0]!.raw, ": keep-alive\n\n");
});
