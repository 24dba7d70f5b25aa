import assert from "node:assert/strict";
import { test } from "node:test";
import { inputFingerprint } from "./input-fingerprint.ts";

test("equal inputs give equal fingerprints whatever their key order; any change shows", () => {
  const objs = [
    { kind: "A", metadata: { name: "a" } },
    { kind: "B", spec: { x: 1 } },
  ];
  const same = [
    { metadata: { name: "a" }, kind: "A" },
    { spec: { x: 1 }, kind: "B" },
  ];
  const base = inputFingerprint(objs, { dataPlane: {} });
  assert.equal(inputFingerprint(objs, { dataPlane: {} }), base);
  assert.equal(inputFingerprint(same, { dataPlane: {} }), base);
  assert.notEqual(inputFingerprint([objs[0], { kind: "B", spec: { x: 2 } }], { dataPlane: {} }), base);
  assert.notEqual(inputFingerprint(objs, { dataPlane: { "ns/gw": { connectedProxies: 1 } } }), base);
  assert.notEqual(inputFingerprint(objs.slice(0, 1), { dataPlane: {} }), base);
});
