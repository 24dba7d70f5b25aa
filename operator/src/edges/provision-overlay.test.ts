import assert from "node:assert/strict";
import { test } from "node:test";
import { Reason } from "../core/reasons.ts";
import type { ObjectStatus } from "../core/types.ts";
import { overlayProvisionConflicts } from "./provision-overlay.ts";

const gateway = (name: string): ObjectStatus => ({
  kind: "Gateway",
  namespace: "ns",
  name,
  generation: 4,
  status: {
    conditions: [
      { type: "Accepted", status: "True", reason: "Accepted", message: "", observedGeneration: 4 },
      { type: "Programmed", status: "True", reason: "Programmed", message: "", observedGeneration: 4 },
    ],
    listeners: [],
  },
});

test("a provisioning conflict turns the Gateway's Programmed False with its reason; others are untouched", () => {
  const conflicts = new Map([
    ["ns/a", { reason: Reason.ProvisionedObjectConflict, message: "Deployment a is not ours" }],
  ]);
  const [a, b] = overlayProvisionConflicts([gateway("a"), gateway("b")], conflicts);
  assert.equal(a?.kind, "Gateway");
  assert.deepEqual(a.status.conditions, [
    { type: "Accepted", status: "True", reason: "Accepted", message: "", observedGeneration: 4 },
    {
      type: "Programmed",
      status: "False",
      reason: "ProvisionedObjectConflict",
      message: "Deployment a is not ours",
      observedGeneration: 4,
    },
  ]);
  assert.deepEqual(b, gateway("b"));
});
