import assert from "node:assert/strict";
import { test } from "node:test";
import { conditionEvents } from "./condition-events.ts";

const OURS = "agentgateway.dev/ai-gateway";
const cond = (type: string, status: string, reason: string, message = "m") => ({
  type,
  status,
  reason,
  message,
});

test("a new condition and a changed one are events; an unchanged one is not", () => {
  const live = {
    conditions: [cond("Accepted", "True", "Accepted"), cond("ResolvedRefs", "True", "ResolvedRefs")],
  };
  const written = {
    conditions: [
      cond("Accepted", "True", "Accepted"),
      cond("ResolvedRefs", "False", "SecretNotFound", "Secret ns/k not found"),
      cond("Programmed", "False", "Pending", "no proxy connected"),
    ],
  };
  assert.deepEqual(conditionEvents(live, written, OURS), [
    { type: "Warning", reason: "SecretNotFound", message: "ResolvedRefs=False: Secret ns/k not found" },
    { type: "Warning", reason: "Pending", message: "Programmed=False: no proxy connected" },
  ]);
});

test("recovering is a Normal event; Conflicted=False is the healthy state", () => {
  const live = { conditions: [cond("ResolvedRefs", "False", "SecretNotFound")] };
  const written = {
    conditions: [cond("ResolvedRefs", "True", "ResolvedRefs"), cond("Conflicted", "False", "NoConflicts")],
  };
  assert.deepEqual(
    conditionEvents(live, written, OURS).map((e) => [e.type, e.reason]),
    [
      ["Normal", "ResolvedRefs"],
      ["Normal", "NoConflicts"],
    ],
  );
});

test("routes: only our parents' transitions, named by parent", () => {
  const parent = (controllerName: string, status: string, reason: string) => ({
    parentRef: { name: "gw", namespace: "ns" },
    controllerName,
    conditions: [cond("Accepted", status, reason)],
  });
  const live = { parents: [parent(OURS, "True", "Accepted"), parent("other.io/x", "True", "Accepted")] };
  const written = {
    parents: [parent(OURS, "False", "NoMatchingParent"), parent("other.io/x", "False", "Whatever")],
  };
  assert.deepEqual(conditionEvents(live, written, OURS), [
    { type: "Warning", reason: "NoMatchingParent", message: "parent ns/gw: Accepted=False: m" },
  ]);
  assert.deepEqual(conditionEvents(written, written, OURS), []);
});
