import assert from "node:assert/strict";
import { test } from "node:test";
import { environmentSkip } from "./environment-skip.ts";

test("a missing piece skips on a developer machine and fails under CI=true", () => {
  assert.equal(environmentSkip("prometheus missing", {}), "prometheus missing");
  assert.throws(() => environmentSkip("prometheus missing", { CI: "true" }), /a failure, not a skip/);
  assert.equal(environmentSkip(false, { CI: "true" }), false);
});
