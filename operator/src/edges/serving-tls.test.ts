import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { createLogger } from "../../../gateway/src/log.ts";
import { type CaPem, createCa } from "./ca.ts";
import type { CaState } from "./ca-store.ts";
import { ServingTls, type TlsMaterial } from "./serving-tls.ts";

const DAY = 86_400_000;
const silent = createLogger({ level: "silent" });

function signedBy(certPem: string, ca: CaPem): boolean {
  return new X509Certificate(certPem).verify(new X509Certificate(ca.certPem).publicKey);
}

test("serving certificate: issued at start, kept until half its life, renewed after, re-issued when the CA rotates", async () => {
  const t0 = new Date("2026-01-01T00:00:00Z").getTime();
  let now = t0;
  const caA = await createCa(new Date(t0), 365 * DAY);
  let state: CaState = { ca: caA, bundlePem: caA.certPem };
  const changes: TlsMaterial[] = [];
  const tls = new ServingTls({
    ca: { ensure: async () => state },
    dnsNames: ["op", "op.sys"],
    log: silent,
    onChange: (m) => changes.push(m),
    servingValidityMs: 7 * DAY,
    now: () => new Date(now),
  });
  const first = await tls.start();
  tls.stop();
  assert.ok(signedBy(first.cert, caA));
  assert.equal(changes.length, 1);

  now = t0 + 3 * DAY; // 4 of 7 days left
  assert.deepEqual(await tls.refresh(), first);
  assert.equal(changes.length, 1, "no change before half its life");

  now = t0 + 4 * DAY; // 3 of 7 left: renew
  const renewed = await tls.refresh();
  assert.notEqual(renewed.cert, first.cert);
  assert.notEqual(renewed.key, first.key);
  assert.ok(signedBy(renewed.cert, caA));
  assert.equal(changes.length, 2);

  const caB = await createCa(new Date(now), 365 * DAY);
  state = { ca: caB, bundlePem: `${caB.certPem}\n${caA.certPem}\n` };
  const rotated = await tls.refresh();
  assert.ok(signedBy(rotated.cert, caB), "served from the new CA at once");
  assert.equal(rotated.bundle, state.bundlePem);
  assert.equal(changes.length, 3);

  state = { ca: caB, bundlePem: caB.certPem }; // old CA pruned: only the bundle changes
  const pruned = await tls.refresh();
  assert.equal(pruned.cert, rotated.cert);
  assert.equal(pruned.bundle, caB.certPem);
  assert.equal(changes.length, 4);
});

test("a CA that cannot be read fails start with the store's error", async () => {
  const tls = new ServingTls({
    ca: {
      ensure: async () => {
        throw new Error("cannot read CA Secret sys/ai-gateway-ca: HTTP 403");
      },
    },
    dnsNames: ["op"],
    log: silent,
    onChange: () => {},
  });
  await assert.rejects(tls.start(), /HTTP 403/);
  tls.stop();
});
