import assert from "node:assert/strict";
import { test } from "node:test";
import { windowAt } from "./windows.ts";

const at = (iso: string) => Date.parse(iso);

test("second, minute and hour windows are aligned to the epoch", () => {
  assert.deepEqual(windowAt("Minute", at("2026-11-28T21:45:30.500Z")), {
    start: at("2026-11-28T21:45:00Z"),
    end: at("2026-11-28T21:46:00Z"),
  });
  assert.deepEqual(windowAt("Second", at("2026-11-28T21:45:30.500Z")), {
    start: at("2026-11-28T21:45:30Z"),
    end: at("2026-11-28T21:45:31Z"),
  });
  assert.equal(windowAt("Hour", at("2026-11-28T21:45:30Z")).end, at("2026-11-28T22:00:00Z"));
});

test("days, weeks (Monday) and months are calendar periods in UTC", () => {
  assert.deepEqual(windowAt("Day", at("2026-11-28T23:59:59Z")), {
    start: at("2026-11-28T00:00:00Z"),
    end: at("2026-11-29T00:00:00Z"),
  });
  // 2026-11-28 is a Saturday; its week began on Monday 2026-11-23
  assert.deepEqual(windowAt("Week", at("2026-11-28T12:00:00Z")), {
    start: at("2026-11-23T00:00:00Z"),
    end: at("2026-11-30T00:00:00Z"),
  });
  assert.deepEqual(windowAt("Week", at("2026-11-30T00:00:00Z")).start, at("2026-11-30T00:00:00Z"));
  assert.deepEqual(windowAt("Month", at("2026-12-31T23:00:00Z")), {
    start: at("2026-12-01T00:00:00Z"),
    end: at("2027-01-01T00:00:00Z"),
  });
});
