import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import { createCa, dueForRotation, issueServingCert, serviceDnsNames, validity } from "./ca.ts";

const DAY = 86_400_000;
const t0 = new Date("2026-01-01T00:00:00Z");

test("the CA is a P-256 CA certificate valid for the requested time", async () => {
  const ca = await createCa(t0, 30 * DAY);
  const cert = new X509Certificate(ca.certPem);
  assert.equal(cert.ca, true);
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
  assert.equal(validity(ca.certPem).notAfter.getTime(), t0.getTime() + 30 * DAY);
  assert.match(ca.keyPem, /BEGIN PRIVATE KEY/);
});

test("a serving certificate verifies against its CA only, names the Service and loopback, never outlives the CA", async () => {
  const ca = await createCa(t0, 3 * DAY);
  const other = await createCa(t0, 3 * DAY);
  const s = await issueServingCert(ca, serviceDnsNames("op", "sys"), t0, 7 * DAY);
  const cert = new X509Certificate(s.certPem);
  assert.equal(cert.ca, false);
  assert.equal(cert.verify(new X509Certificate(ca.certPem).publicKey), true);
  assert.equal(cert.verify(new X509Certificate(other.certPem).publicKey), false);
  for (const n of ["op", "op.sys", "op.sys.svc", "op.sys.svc.cluster.local", "localhost"]) {
    assert.equal(cert.checkHost(n), n, n);
  }
  assert.equal(cert.checkHost("evil.example"), undefined);
  assert.equal(cert.checkIP("127.0.0.1"), "127.0.0.1");
  assert.equal(s.notAfter.getTime(), t0.getTime() + 3 * DAY, "capped at the CA's expiry");
});

test("rotation is due once less than a third of the CA's life remains", async () => {
  const ca = await createCa(t0, 300 * DAY);
  const life = 300 * DAY + 5 * 60_000; // backdated 5 minutes
  assert.equal(dueForRotation(ca.certPem, new Date(t0.getTime() + 150 * DAY)), false);
  assert.equal(dueForRotation(ca.certPem, new Date(t0.getTime() + 300 * DAY - life / 3 - 1000)), false);
  assert.equal(dueForRotation(ca.certPem, new Date(t0.getTime() + 300 * DAY - life / 3 + 1000)), true);
  assert.equal(dueForRotation(ca.certPem, new Date(t0.getTime() + 400 * DAY)), true);
});

test("a short CA validity (tests) is not dominated by backdating: rotation is due at two thirds of it", async () => {
  const ca = await createCa(t0, 60_000);
  assert.equal(dueForRotation(ca.certPem, new Date(t0.getTime() + 30_000)), false);
  assert.equal(dueForRotation(ca.certPem, new Date(t0.getTime() + 45_000)), true);
});
