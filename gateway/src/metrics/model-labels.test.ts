import assert from "node:assert/strict";
import { test } from "node:test";
import { ModelLabels, OTHER_MODEL } from "./model-labels.ts";

test("models named by the snapshot keep their name, others collapse to other", () => {
  const m = new ModelLabels();
  m.setKnown(["gpt-4o-mini"]);
  assert.equal(m.label("gpt-4o-mini"), "gpt-4o-mini");
  assert.equal(m.label("attacker-chosen-1"), OTHER_MODEL);
  assert.equal(m.label(undefined), "");
  m.setKnown([]);
  assert.equal(m.label("gpt-4o-mini"), OTHER_MODEL);
});

test("models returned by a provider become label values, up to a cap", () => {
  const m = new ModelLabels(2);
  m.noteReturned("gpt-4o-mini-2024-07-18");
  m.noteReturned("claude-3-5-haiku");
  m.noteReturned("third");
  assert.equal(m.label("gpt-4o-mini-2024-07-18"), "gpt-4o-mini-2024-07-18");
  assert.equal(m.label("claude-3-5-haiku"), "claude-3-5-haiku");
  assert.equal(m.label("third"), OTHER_MODEL);
  m.noteReturned("x".repeat(500));
  assert.equal(m.label("x".repeat(500)), OTHER_MODEL);
});
