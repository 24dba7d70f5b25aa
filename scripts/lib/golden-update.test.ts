import assert from "node:assert/strict";
import { test } from "node:test";
import { goldenUpdateRequested, goldenUpdateSwitches, isCi } from "./golden-update.ts";

test("UPDATE_GOLDEN=1 rewrites goldens outside CI", () => {
  assert.equal(goldenUpdateRequested({ UPDATE_GOLDEN: "1" }), true);
  assert.equal(goldenUpdateRequested({}), false);
});

test("any golden-update switch under CI=true is an error, whatever its value", () => {
  for (const env of [{ UPDATE_GOLDEN: "1" }, { UPDATE_GOLDEN: "0" }, { GOLDEN_UPDATE: "yes" }]) {
    assert.throws(() => goldenUpdateRequested({ ...env, CI: "true" }), /never rewritten in CI/);
  }
  assert.equal(goldenUpdateRequested({ CI: "true" }), false);
});

test("CI detection and switch listing", () => {
  assert.equal(isCi({ CI: "true" }), true);
  assert.equal(isCi({ CI: "1" }), true);
  assert.equal(isCi({ CI: "false" }), false);
  assert.equal(isCi({}), false);
  assert.deepEqual(goldenUpdateSwitches({ UPDATE_GOLDEN: "1", UPDATE_SNAPSHOTS: "x", OTHER: "1" }), [
    "UPDATE_GOLDEN",
    "UPDATE_SNAPSHOTS",
  ]);
});
