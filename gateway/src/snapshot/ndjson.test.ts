import assert from "node:assert/strict";
import { test } from "node:test";
import { backoffDelay } from "./backoff.ts";
import { LineSplitter, LineTooLongError } from "./ndjson.ts";

test("lines split across chunks, blank lines skipped, CRLF tolerated", () => {
  const s = new LineSplitter();
  assert.deepEqual(s.push('{"type":"pi'), []);
  assert.deepEqual(s.push('ng"}\n\n{"a":1}\r\n{"b"'), ['{"type":"ping"}', '{"a":1}']);
  assert.deepEqual(s.push(":2}\n"), ['{"b":2}']);
});

test("an endless line is a protocol error", () => {
  const s = new LineSplitter(10);
  assert.throws(() => s.push("x".repeat(11)), LineTooLongError);
});

test("backoff grows exponentially, is capped and jittered within [cap/2, cap]", () => {
  const opts = { baseMs: 100, maxMs: 1000 };
  assert.equal(
    backoffDelay(0, opts, () => 0),
    50,
  );
  assert.equal(
    backoffDelay(0, opts, () => 1),
    100,
  );
  assert.equal(
    backoffDelay(3, opts, () => 1),
    800,
  );
  assert.equal(
    backoffDelay(10, opts, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(10, opts, () => 0),
    500,
  );
  assert.equal(
    backoffDelay(500, opts, () => 0.5),
    750,
  );
});
