import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import {
  backend,
  clientAuth,
  GATEWAY_KEY,
  provider,
  route,
  snapshot,
} from "../../../e2e/proxy/snapshot-builder.ts";
import { createProxyMetrics } from "../metrics/registry.ts";
import { REDACTED, redactSnapshot } from "./redact.ts";
import { SnapshotStore } from "./store.ts";

const SIM = "http://127.0.0.1:9";
const SECRET = "sk-very-secret-credential";

function good(version?: number) {
  return snapshot({
    version,
    backends: [
      backend("b", [
        [
          provider(SIM, "openai", {
            auth: {
              mode: "inject",
              header: "Authorization",
              prefix: "Bearer ",
              credential: SECRET,
              source: "inline",
            },
          }),
        ],
      ]),
    ],
    routes: [route("r", ["b"])],
    clientAuth: clientAuth({ team: "gw-key-1" }),
  });
}

async function reloads(registry: Registry, result: string): Promise<number> {
  const m = await registry.getSingleMetric("ai_gateway_snapshot_reloads_total")?.get();
  return m?.values.find((v) => v.labels.result === result)?.value ?? 0;
}

test("a valid snapshot is compiled and swapped in; listeners run after the swap", () => {
  const store = new SnapshotStore({ gateway: GATEWAY_KEY });
  const seen: number[] = [];
  store.onSwap((next, prev) => seen.push(next.snapshot.version, prev?.snapshot.version ?? 0));
  const s = good(7);
  const r = store.apply(s);
  assert.deepEqual(r, { accepted: true, version: 7, hash: s.hash });
  assert.equal(store.version, 7);
  assert.deepEqual(seen, [7, 0]);
  assert.equal(store.current?.table.routeIds.has("AIRoute/ai/r/0"), true);
  // the same version and hash again: accepted, no swap
  assert.equal(store.apply(s).accepted, true);
  assert.deepEqual(seen, [7, 0]);
});

test("rejections keep the last good snapshot and say why, counted in metrics", async () => {
  const registry = new Registry();
  const store = new SnapshotStore({ gateway: GATEWAY_KEY, metrics: createProxyMetrics(registry) });
  store.apply(good(1));
  const other = { ...good(2), schemaVersion: 2 };
  const r1 = store.apply(other);
  assert.equal(r1.accepted, false);
  assert.match(r1.reason ?? "", /unsupported schemaVersion 2/);
  assert.equal(r1.version, 2);
  const r2 = store.apply({ ...good(3), routes: "nope" });
  assert.match(r2.reason ?? "", /^invalid snapshot: routes:/);
  const r3 = store.apply({ ...good(4), gateway: { namespace: "x", name: "y" } });
  assert.match(r3.reason ?? "", /snapshot is for gateway x\/y/);
  const dangling = good(5);
  dangling.routes[0]!.backends = [{ backend: "ai/missing", weight: 1 }];
  assert.match(store.apply(dangling).reason ?? "", /route AIRoute\/ai\/r\/0: unknown backend ai\/missing/);
  const badRegex = good(6);
  badRegex.routes[0]!.match = { headers: [{ name: "x", type: "RegularExpression", value: "(" }] };
  assert.match(store.apply(badRegex).reason ?? "", /invalid regular expression/);
  const r7 = store.apply("not even an object");
  assert.equal(r7.version, 0);
  assert.equal(store.version, 1, "last good kept");
  assert.equal(await reloads(registry, "rejected"), 6);
  assert.equal(await reloads(registry, "accepted"), 1);
  for (const r of [r1, r2, r3]) assert.ok(!(r.reason ?? "").includes(SECRET));
});

test("a snapshot with a field this proxy does not know is rejected, naming the field", () => {
  const store = new SnapshotStore({ gateway: GATEWAY_KEY });
  store.apply(good(1));
  const s = good(2);
  const bad = { ...s, backends: [{ ...s.backends[0]!, tls: { caCert: "x" } }] };
  const r = store.apply(bad);
  assert.equal(r.accepted, false);
  assert.match(r.reason ?? "", /^invalid snapshot: backends\.0\.tls: unknown field/);
  assert.equal(store.version, 1, "last good kept");
});

test("a rejection reason never carries a credential value", () => {
  const store = new SnapshotStore();
  const s = good(1);
  // a credential in a place where the schema rejects it must not be echoed back
  const bad = JSON.parse(JSON.stringify(s).replace('"name":"default"', `"name":123,"x":"${SECRET}"`));
  const r = store.apply(bad);
  assert.equal(r.accepted, false);
  assert.ok(!(r.reason ?? "").includes(SECRET));
});

test("config dump redacts credentials and key hashes", () => {
  const s = good(1);
  const text = JSON.stringify(redactSnapshot(s));
  assert.ok(!text.includes(SECRET));
  assert.ok(!text.includes(s.clientAuth!.keys[0]!.sha256));
  assert.equal(text.split(REDACTED).length - 1, 2);
  assert.ok(text.includes('"source":"inline"'));
  assert.equal(
    s.backends[0]!.groups[0]![0]!.auth.mode === "inject" && s.backends[0]!.groups[0]![0]!.auth.credential,
    SECRET,
  );
});

test("config dump redacts a provider's mTLS private key, keeps its CA and settings", () => {
  const s = good(1);
  const p = s.backends[0]!.groups[0]![0]!;
  p.upstreamTls = {
    ca: "CA-PEM",
    cert: "CERT-PEM",
    privateKey: "PRIVATE-KEY-PEM-never-dumped",
    sni: "a.example",
  };
  const text = JSON.stringify(redactSnapshot(s));
  assert.ok(!text.includes("PRIVATE-KEY-PEM-never-dumped"));
  assert.ok(text.includes('"privateKey":"[REDACTED]"'));
  assert.ok(text.includes('"ca":"CA-PEM"') && text.includes('"sni":"a.example"'));
  assert.equal(new SnapshotStore().apply(s).accepted, true, "upstreamTls is part of the contract");
});

test("an older version is rejected with the reason (versions never go backwards); the served one stays", () => {
  const store = new SnapshotStore({});
  assert.equal(store.apply(good(5_000_000_001)).accepted, true);
  const old = store.apply(good(42));
  assert.equal(old.accepted, false);
  assert.equal(old.version, 42);
  assert.match(old.reason ?? "", /version 42 is older than the served version 5000000001/);
  assert.equal(store.version, 5_000_000_001);
  assert.equal(store.apply(good(5_000_000_002)).accepted, true);
  assert.equal(store.version, 5_000_000_002);
});
