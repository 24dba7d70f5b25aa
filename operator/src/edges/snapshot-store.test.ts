import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { GatewayConfig } from "../../../gateway/src/snapshot/schema.ts";
import { canonicalHash } from "./canonical-hash.ts";
import { EPOCH_SPAN, SnapshotStore } from "./snapshot-store.ts";

const config = (port: number): GatewayConfig => ({
  schemaVersion: 1,
  gateway: { namespace: "ns", name: "gw" },
  listeners: [{ name: "http", port, protocol: "HTTP" }],
  routes: [],
  backends: [],
});

describe("SnapshotStore", () => {
  it("a port a proxy could not bind is in the data plane until a re-ack of the same version says it opened", () => {
    const s = new SnapshotStore();
    const [v] = s.publish({ "ns/gw": config(80) });
    assert.ok(v);
    s.connect("ns/gw", "p1");
    const ack = { gateway: "ns/gw", proxyId: "p1", version: v.version, hash: v.hash, accepted: true };
    s.recordAck({
      ...ack,
      listeners: [{ port: 80, open: false, reason: "local port 8080 is already in use" }],
    });
    assert.deepEqual(s.dataPlane()["ns/gw"]?.unavailablePorts, [
      { port: 80, reason: "local port 8080 is already in use" },
    ]);
    assert.equal(s.recordAck({ ...ack, listeners: [{ port: 80, open: true }] }), "recorded");
    assert.equal(s.dataPlane()["ns/gw"]?.unavailablePorts, undefined);
    assert.deepEqual(s.dataPlane()["ns/gw"]?.ackedListeners, v.listeners);
  });

  it("ejected providers: per provider the latest end and how many proxies report it; gone with the report", () => {
    const s = new SnapshotStore();
    s.publish({ "ns/gw": config(80) });
    s.connect("ns/gw", "p1");
    s.connect("ns/gw", "p2");
    const report = (proxyId: string, ejected?: { backend: string; provider: string; until: number }[]) => ({
      gateway: "ns/gw",
      proxyId,
      entries: [],
      unavailable: [],
      ...(ejected ? { ejected } : {}),
    });
    s.recordUsage(report("p1", [{ backend: "ns/b", provider: "a", until: 5_000 }]));
    s.recordUsage(
      report("p2", [
        { backend: "ns/b", provider: "z", until: 1_000 },
        { backend: "ns/b", provider: "a", until: 7_000 },
      ]),
    );
    assert.deepEqual(s.dataPlane()["ns/gw"]?.ejected, [
      { backend: "ns/b", provider: "a", until: 7_000, proxies: 2 },
      { backend: "ns/b", provider: "z", until: 1_000, proxies: 1 },
    ]);
    s.recordUsage(report("p1"));
    s.disconnect("ns/gw", "p2");
    assert.equal(s.dataPlane()["ns/gw"]?.ejected, undefined);
  });

  it("mints a version only when the canonical hash changes", () => {
    const s = new SnapshotStore();
    assert.equal(s.publish({ "ns/gw": config(80) }).length, 1);
    assert.equal(s.publish({ "ns/gw": config(80) }).length, 0);
    const [snap] = s.publish({ "ns/gw": config(81) });
    assert.equal(snap?.version, 2);
    assert.equal(snap?.hash, canonicalHash(config(81)));
  });

  it("publishes an empty config once for a Gateway that disappeared, and versions keep growing", () => {
    const s = new SnapshotStore();
    s.publish({ "ns/gw": config(80) });
    const [gone] = s.publish({});
    assert.equal(gone?.version, 2);
    assert.deepEqual(gone?.listeners, []);
    assert.equal(s.publish({}).length, 0);
    assert.equal(s.publish({ "ns/gw": config(80) })[0]?.version, 3);
  });

  it("a leadership epoch puts every later version above epoch × 1e6 and re-stamps current snapshots", () => {
    const s = new SnapshotStore();
    s.publish({ "ns/gw": config(80) });
    const [restamped] = s.startEpoch(1_800_000_000);
    assert.equal(restamped?.version, 1_800_000_000 * EPOCH_SPAN + 1);
    assert.equal(restamped?.hash, canonicalHash(config(80)), "same content, new version");
    assert.equal(s.current("ns/gw")?.version, restamped?.version);
    assert.equal(s.publish({ "ns/gw": config(81) })[0]?.version, 1_800_000_000 * EPOCH_SPAN + 2);
    // A new term with an older clock never goes below what this store already issued.
    const [again] = s.startEpoch(1_700_000_000);
    assert.equal(again?.version, 1_800_000_000 * EPOCH_SPAN + 3);
    // A restarted operator (new store) at a later second starts above the old one.
    const next = new SnapshotStore();
    next.startEpoch(1_800_000_001);
    const [first] = next.publish({ "ns/gw": config(81) });
    assert.ok((first?.version ?? 0) > (again?.version ?? 0));
    assert.ok(Number.isSafeInteger(first?.version));
  });

  it("reports connected proxies and the listeners of the newest accepted version", () => {
    const s = new SnapshotStore();
    const v1 = s.publish({ "ns/gw": config(80) })[0];
    const v2 = s.publish({ "ns/gw": config(81) })[0];
    assert.ok(v1 && v2);
    assert.deepEqual(s.dataPlane()["ns/gw"], { connectedProxies: 0 });
    s.connect("ns/gw", "p1");
    s.connect("ns/gw", "p2");
    const ack = (proxyId: string, v: typeof v1, accepted: boolean) =>
      s.recordAck({ gateway: "ns/gw", proxyId, version: v.version, hash: v.hash, accepted, reason: "bad" });
    assert.equal(ack("p1", v1, true), "recorded");
    assert.deepEqual(s.dataPlane()["ns/gw"]?.ackedListeners, v1.listeners);
    assert.equal(ack("p2", v2, false), "recorded");
    assert.deepEqual(s.rejections()["ns/gw"], [{ proxyId: "p2", version: 2, reason: "bad" }]);
    assert.equal(
      s.recordAck({ gateway: "ns/gw", proxyId: "p1", version: 2, hash: "x", accepted: true }),
      "unknown_version",
    );
    assert.equal(ack("p3", v2, true), "not_connected");
    assert.equal(s.disconnect("ns/gw", "p2"), true);
    assert.equal(s.rejections()["ns/gw"], undefined);
    s.disconnect("ns/gw", "p1");
    assert.deepEqual(s.dataPlane()["ns/gw"], { connectedProxies: 0 });
  });

  it("counts a proxy with two streams once until both close", () => {
    const s = new SnapshotStore();
    s.connect("ns/gw", "p1");
    s.connect("ns/gw", "p1");
    assert.equal(s.connectedProxies("ns/gw"), 1);
    assert.equal(s.disconnect("ns/gw", "p1"), false);
    assert.equal(s.connectedProxies("ns/gw"), 1);
    assert.equal(s.disconnect("ns/gw", "p1"), true);
    assert.equal(s.connectedProxies("ns/gw"), 0);
  });
});
