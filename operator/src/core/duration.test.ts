import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDuration, timeoutMs } from "./duration.ts";

test("Gateway API durations to milliseconds", () => {
  assert.equal(parseDuration("500ms"), 500);
  assert.equal(parseDuration("30s"), 30_000);
  assert.equal(parseDuration("1m"), 60_000);
  assert.equal(parseDuration("1h"), 3_600_000);
  assert.equal(parseDuration("1m30s"), 90_000);
  assert.equal(parseDuration("1h2m3s4ms"), 3_723_004);
  assert.equal(parseDuration("0s"), 0);
});

test("non-durations are rejected", () => {
  for (const bad of ["", "10", "1.5s", "-1s", "1d", "s", "1s ", "123456s", "1h1m1s1ms1h"]) {
    assert.equal(parseDuration(bad), undefined, bad);
  }
});

test("timeouts: unset and zero mean no timeout", () => {
  assert.equal(timeoutMs(undefined), undefined);
  assert.equal(timeoutMs("0s"), undefined);
  assert.equal(timeoutMs("2m"), 120_000);
});
