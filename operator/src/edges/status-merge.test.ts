import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Condition } from "../api/meta.ts";
import type { ObjectStatus } from "../core/types.ts";
import {
  desiredStatus,
  statusEquivalent,
  statusPatch,
  withoutOurParents,
  withTransitionTimes,
} from "./status-merge.ts";

const OURS = "agentgateway.dev/ai-gateway";
const T0 = "2024-01-01T00:00:00Z";
const NOW = "2025-06-01T12:00:00.000Z";
const cond = (type: string, status: Condition["status"], reason = type): Condition => ({
  type,
  status,
  reason,
  message: "",
  observedGeneration: 2,
});

describe("withTransitionTimes", () => {
  it("keeps lastTransitionTime while the status does not flip, even if reason changes", () => {
    const prev = [{ ...cond("Accepted", "True"), lastTransitionTime: T0 }];
    const [c] = withTransitionTimes([cond("Accepted", "True", "Other")], prev, NOW);
    assert.equal(c?.lastTransitionTime, T0);
    assert.equal(c?.reason, "Other");
  });
  it("sets now when the status flips", () => {
    const prev = [{ ...cond("Accepted", "True"), lastTransitionTime: T0 }];
    const [c] = withTransitionTimes([cond("Accepted", "False")], prev, NOW);
    assert.equal(c?.lastTransitionTime, NOW);
  });
  it("sets now for a new condition type", () => {
    const [c] = withTransitionTimes([cond("Programmed", "True")], [], NOW);
    assert.equal(c?.lastTransitionTime, NOW);
  });
});

describe("desiredStatus for routes", () => {
  const foreign = {
    parentRef: { name: "other-gw" },
    controllerName: "example.com/other",
    conditions: [{ ...cond("Accepted", "True"), lastTransitionTime: T0 }],
  };
  const oursPrev = {
    parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw" },
    controllerName: OURS,
    conditions: [{ ...cond("Accepted", "True"), lastTransitionTime: T0 }],
  };
  const target: ObjectStatus = {
    kind: "AIRoute",
    namespace: "ns",
    name: "r",
    generation: 2,
    status: {
      parents: [{ parentRef: { name: "gw" }, controllerName: OURS, conditions: [cond("Accepted", "True")] }],
    },
  };

  it("keeps other controllers' entries and replaces only ours, matching parentRef with defaults", () => {
    const out = desiredStatus(target, { parents: [foreign, oursPrev] }, OURS, NOW);
    const parents = out.parents as { controllerName: string; conditions: Condition[] }[];
    assert.equal(parents.length, 2);
    assert.deepEqual(parents[0], foreign);
    assert.equal(parents[1]?.controllerName, OURS);
    assert.equal(parents[1]?.conditions[0]?.lastTransitionTime, T0);
  });

  it("withoutOurParents drops only our entries, and is undefined when there are none", () => {
    assert.deepEqual(withoutOurParents({ parents: [foreign, oursPrev] }, OURS), { parents: [foreign] });
    assert.equal(withoutOurParents({ parents: [foreign] }, OURS), undefined);
  });
});

describe("desiredStatus for Gateways", () => {
  it("keeps listener transition times by listener name and drops stale addresses", () => {
    const target: ObjectStatus = {
      kind: "Gateway",
      namespace: "ns",
      name: "gw",
      generation: 2,
      status: {
        conditions: [cond("Programmed", "True")],
        listeners: [
          { name: "http", supportedKinds: [], attachedRoutes: 1, conditions: [cond("Accepted", "True")] },
        ],
      },
    };
    const live = {
      addresses: [{ type: "IPAddress", value: "10.0.0.1" }],
      conditions: [{ ...cond("Programmed", "False"), lastTransitionTime: T0 }],
      listeners: [{ name: "http", conditions: [{ ...cond("Accepted", "True"), lastTransitionTime: T0 }] }],
    };
    const out = desiredStatus(target, live, OURS, NOW);
    assert.equal((out.conditions as Condition[])[0]?.lastTransitionTime, NOW);
    const listeners = out.listeners as { conditions: Condition[] }[];
    assert.equal(listeners[0]?.conditions[0]?.lastTransitionTime, T0);
    assert.equal("addresses" in out, false);
    assert.equal(statusPatch("Gateway", live, out).addresses, null);
  });
});

describe("statusEquivalent", () => {
  it("ignores lastTransitionTime and API defaults of parentRef", () => {
    const a = {
      parents: [{ parentRef: { name: "gw" }, controllerName: OURS, conditions: [cond("A", "True")] }],
    };
    const b = {
      parents: [
        {
          parentRef: { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw" },
          controllerName: OURS,
          conditions: [{ ...cond("A", "True"), lastTransitionTime: T0 }],
        },
      ],
    };
    assert.equal(statusEquivalent(a, b), true);
  });
  it("sees a changed reason or observedGeneration", () => {
    assert.equal(
      statusEquivalent({ conditions: [cond("A", "True")] }, { conditions: [cond("A", "True", "B")] }),
      false,
    );
    const older = { ...cond("A", "True"), observedGeneration: 1 };
    assert.equal(statusEquivalent({ conditions: [cond("A", "True")] }, { conditions: [older] }), false);
  });
});
