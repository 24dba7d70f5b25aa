import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ObjectStatus } from "../core/types.ts";
import { overlayRejections } from "./rejection-overlay.ts";

describe("overlayRejections", () => {
  const gw: ObjectStatus = {
    kind: "Gateway",
    namespace: "ns",
    name: "gw",
    generation: 3,
    status: {
      conditions: [
        { type: "Programmed", status: "True", reason: "Programmed", message: "", observedGeneration: 3 },
      ],
      listeners: [],
    },
  };
  it("turns Programmed False with the version, proxies and reason", () => {
    const [out] = overlayRejections([gw], {
      "ns/gw": [{ proxyId: "p1", version: 7, reason: "schemaVersion 2" }],
    });
    assert.equal(out?.kind, "Gateway");
    const c = out?.kind === "Gateway" ? out.status.conditions[0] : undefined;
    assert.equal(c?.status, "False");
    assert.equal(c?.reason, "Invalid");
    assert.match(c?.message ?? "", /version 7 .*p1.*schemaVersion 2/);
    assert.equal(c?.observedGeneration, 3);
  });
  it("leaves Gateways without rejections untouched", () => {
    assert.deepEqual(overlayRejections([gw], { "ns/other": [{ proxyId: "p", version: 1, reason: "" }] }), [
      gw,
    ]);
  });
});
