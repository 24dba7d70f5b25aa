import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { PeerCertificate } from "node:tls";
import { upstreamKey } from "../snapshot/compile.ts";
import type { ProviderConfig } from "../snapshot/schema.ts";
import { AgentPool } from "./agents.ts";
import { sanVerifier, tlsConnectOptions } from "./upstream-tls.ts";

const cert = (san: string) =>
  ({ subject: { CN: "ignored" }, subjectaltname: san }) as unknown as PeerCertificate;

describe("tlsConnectOptions", () => {
  it("no settings: Node's defaults (system CAs, host as SNI and SAN)", () => {
    assert.deepEqual(tlsConnectOptions(undefined), {});
  });
  it("maps trust, identity, SNI and key exchange groups", () => {
    const o = tlsConnectOptions({
      ca: "CA",
      cert: "CERT",
      privateKey: "KEY",
      sni: "sim.test",
      keyExchangeGroups: ["X25519_MLKEM768", "X25519", "P-256"],
    });
    assert.deepEqual(o, {
      ca: "CA",
      cert: "CERT",
      key: "KEY",
      servername: "sim.test",
      ecdhCurve: "X25519MLKEM768:X25519:P-256",
    });
  });
  it("insecureSkipVerify: All turns verification off; Hostname keeps the chain, drops the name check", () => {
    assert.equal(tlsConnectOptions({ insecureSkipVerify: "All" }).rejectUnauthorized, false);
    const h = tlsConnectOptions({ insecureSkipVerify: "Hostname" });
    assert.equal(h.rejectUnauthorized, undefined);
    assert.equal(h.checkServerIdentity?.("a.example", cert("DNS:b.example")), undefined);
  });
});

describe("sanVerifier", () => {
  const c = cert("DNS:sim.test, IP Address:127.0.0.1, URI:spiffe://td/ns/llm/sa/sim");
  it("one matching name is enough: DNS, IP or URI", () => {
    assert.equal(sanVerifier(["nope.test", "sim.test"])("127.0.0.1", c), undefined);
    assert.equal(sanVerifier(["127.0.0.1"])("x", c), undefined);
    assert.equal(sanVerifier(["spiffe://td/ns/llm/sa/sim"])("x", c), undefined);
  });
  it("no match is an error naming the expected SANs", () => {
    const err = sanVerifier(["other.test", "spiffe://td/other"])("127.0.0.1", c);
    assert.ok(err instanceof Error);
    assert.match(err.message, /none of verifySubjectAltNames \(other\.test, spiffe:\/\/td\/other\)/);
  });
});

describe("pool keys", () => {
  const p = (extra: Partial<ProviderConfig> = {}): ProviderConfig => ({
    name: "default",
    kind: "openai",
    host: "llm.example",
    port: 443,
    tls: true,
    auth: { mode: "none" },
    ...extra,
  });
  it("a provider without policies.tls keeps the plain origin key; a rotated CA gets a new key", () => {
    assert.equal(upstreamKey(p()), "https:llm.example:443");
    const a = upstreamKey(p({ upstreamTls: { ca: "CA one" } }));
    const b = upstreamKey(p({ upstreamTls: { ca: "CA two" } }));
    assert.match(a, /^https:llm\.example:443:[0-9a-f]{16}$/);
    assert.notEqual(a, b);
    assert.equal(upstreamKey(p({ upstreamTls: { ca: "CA one" } })), a, "same settings, same pool");
    assert.equal(upstreamKey(p({ tls: false, port: 80, upstreamTls: { ca: "x" } })), "http:llm.example:80");
  });
  it("retain() retires the pools of keys no snapshot uses", () => {
    const pools = new AgentPool({ connectTimeoutMs: 1000 });
    pools.get("https:a:443:1111", "https://a", { ca: "old" });
    pools.get("https:a:443:2222", "https://a", { ca: "new", alpnProtocols: ["http/1.1"] });
    pools.retain(new Set(["https:a:443:2222"]));
    assert.deepEqual(pools.keys(), ["https:a:443:2222"]);
    pools.destroy();
    assert.deepEqual(pools.keys(), []);
  });
});
