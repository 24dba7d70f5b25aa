// AgentgatewayBackend policies.tls end to end: manifests (backends, Secrets, ConfigMaps) → the
// translator → a snapshot the in-process proxy serves → HTTPS simulators with a test CA made by
// openssl. Trusted via caCertificateRefs answers with the key injected; an untrusted server, a
// missing client certificate where mTLS is required and a SAN mismatch fail closed (502, no request
// reaches the server); SNI and ALPN are sent as configured; insecureSkipVerify All and Hostname
// relax what they say and no more; a host override without policies.tls is
// plain HTTP; a public provider host in clear text is Accepted=False; a changed CA ConfigMap takes
// effect with the next snapshot, no restart.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { GatewayConfig, Snapshot } from "../../gateway/src/snapshot/schema.ts";
import { CONTROLLER_NAME } from "../../operator/src/api/gateway-api.ts";
import { resourceSetFromObjects } from "../../operator/src/core/resource-set.ts";
import { translate } from "../../operator/src/core/translate.ts";
import { makePki, pemReader } from "../harness/test-pki.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { LOOPBACK, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { GATEWAY, GATEWAY_KEY } from "./snapshot-builder.ts";

const KEY = "sk-backend-tls-e2e-7f3a";
const NS = GATEWAY.namespace;

const meta = (name: string) => ({ name, namespace: NS });

function backend(name: string, port: number, tls?: unknown, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AgentgatewayBackend",
    metadata: meta(name),
    spec: {
      ai: { provider: { openai: {}, host: LOOPBACK, port, ...extra } },
      policies: { auth: { secretRef: { name: "openai-key" } }, ...(tls !== undefined ? { tls } : {}) },
    },
  };
}

describe("proxy e2e: policies.tls", () => {
  let dir: string;
  let world: ProxyWorld;
  const sims: Record<string, Simulator> = {};
  let pem: (f: string) => string;
  let version = 1;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "backend-tls-"));
    makePki(dir, "test-ca", [
      { name: "server", cn: "sim.test", ext: "subjectAltName=DNS:sim.test,IP:127.0.0.1" },
      { name: "client", cn: "gateway-client", ext: "extendedKeyUsage=clientAuth" },
    ]);
    makePki(dir, "rogue-ca", [
      { name: "rogue", cn: "sim.test", ext: "subjectAltName=DNS:sim.test,IP:127.0.0.1" },
    ]);
    pem = pemReader(dir);
    const server = { key: pem("server.key"), cert: pem("server.pem") };
    sims.https = await startSimulator({
      requireKey: KEY,
      tls: { ...server, alpn: ["x-sim-proto", "http/1.1"] },
    });
    sims.mtls = await startSimulator({ requireKey: KEY, tls: { ...server, clientCa: pem("test-ca.pem") } });
    sims.rogue = await startSimulator({
      requireKey: KEY,
      tls: { key: pem("rogue.key"), cert: pem("rogue.pem") },
    });
    sims.plain = await startSimulator({ requireKey: KEY });
    sims.x25519 = await startSimulator({ requireKey: KEY, tls: { ...server, groups: "X25519" } });
    world = await startProxyWorld();
  });
  after(async () => {
    await world?.close();
    await Promise.all(Object.values(sims).map((s) => s.close()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const manifests = (caBundle: string) => {
    const backends = [
      backend("trusted", sims.https!.port, {
        caCertificateRefs: [{ name: "test-ca" }],
        sni: "sim.test",
        alpnProtocols: ["x-sim-proto", "http/1.1"],
      }),
      backend("untrusted", sims.rogue!.port, { caCertificateRefs: [{ name: "test-ca" }] }),
      backend("mtls", sims.mtls!.port, {
        caCertificateRefs: [{ name: "test-ca-secret", kind: "Secret" }],
        mtlsCertificateRef: [{ name: "client-cert" }],
      }),
      backend("mtls-missing", sims.mtls!.port, { caCertificateRefs: [{ name: "test-ca" }] }),
      backend("san-mismatch", sims.https!.port, {
        caCertificateRefs: [{ name: "test-ca" }],
        verifySubjectAltNames: ["other.test"],
      }),
      backend("san-match", sims.https!.port, {
        caCertificateRefs: [{ name: "test-ca" }],
        verifySubjectAltNames: ["other.test", "sim.test"],
      }),
      backend("rotating", sims.https!.port, { caCertificateRefs: [{ name: "rotating-ca" }] }),
      backend("skip-all", sims.rogue!.port, { insecureSkipVerify: "All" }),
      backend("skip-hostname", sims.https!.port, {
        caCertificateRefs: [{ name: "test-ca" }],
        sni: "wrong.test",
        insecureSkipVerify: "Hostname",
      }),
      backend("wrong-sni", sims.https!.port, { caCertificateRefs: [{ name: "test-ca" }], sni: "wrong.test" }),
      backend("skip-hostname-untrusted", sims.rogue!.port, {
        caCertificateRefs: [{ name: "test-ca" }],
        insecureSkipVerify: "Hostname",
      }),
      backend("plain", sims.plain!.port),
      backend("kx-match", sims.x25519!.port, {
        caCertificateRefs: [{ name: "test-ca" }],
        keyExchangeGroups: ["X25519_MLKEM768", "X25519"],
      }),
      backend("kx-mismatch", sims.x25519!.port, {
        caCertificateRefs: [{ name: "test-ca" }],
        keyExchangeGroups: ["P-384"],
      }),
      {
        apiVersion: "agentgateway.dev/v1alpha1",
        kind: "AgentgatewayBackend",
        metadata: meta("public-plain"),
        spec: {
          ai: { provider: { openai: {}, port: 8080 } },
          policies: { auth: { secretRef: { name: "openai-key" } } },
        },
      },
    ];
    return [
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: "ag" },
        spec: { controllerName: CONTROLLER_NAME },
      },
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: meta(GATEWAY.name),
        spec: { gatewayClassName: "ag", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] },
      },
      { apiVersion: "v1", kind: "Secret", metadata: meta("openai-key"), stringData: { apiKey: KEY } },
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: meta("test-ca"),
        data: { "ca.crt": pem("test-ca.pem") },
      },
      { apiVersion: "v1", kind: "ConfigMap", metadata: meta("rotating-ca"), data: { "ca.crt": caBundle } },
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: meta("test-ca-secret"),
        stringData: { "ca.crt": pem("test-ca.pem") },
      },
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: meta("client-cert"),
        type: "kubernetes.io/tls",
        data: {
          "tls.crt": Buffer.from(pem("client.pem")).toString("base64"),
          "tls.key": Buffer.from(pem("client.key")).toString("base64"),
        },
      },
      ...backends,
      {
        apiVersion: "agentgateway.dev/v1alpha1",
        kind: "AIRoute",
        metadata: meta("route"),
        spec: {
          parentRefs: [{ name: GATEWAY.name }],
          rules: backends.map((b) => ({
            matches: [{ path: { value: `/${b.metadata.name}/` } }],
            backendRefs: [{ name: b.metadata.name }],
            timeouts: { request: "10s" },
          })),
        },
      },
    ];
  };

  async function applyManifests(caBundle: string) {
    const result = translate(resourceSetFromObjects(manifests(caBundle)), {
      controllerName: CONTROLLER_NAME,
    });
    const config = result.snapshots[GATEWAY_KEY] as GatewayConfig | undefined;
    assert.ok(config, "a snapshot for the Gateway");
    const hash = createHash("sha256").update(JSON.stringify(config)).digest("hex");
    const snap: Snapshot = { ...config, version: version++, hash };
    assert.equal((await world.apply(snap)).accepted, true);
    return result;
  }

  const chat = (prefix: string) =>
    postJson(`${world.base}/${prefix}/v1/chat/completions`, {
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
    });

  async function expectRefused(prefix: string, sim: Simulator) {
    const before = sim.requests.length;
    const res = await chat(prefix);
    const body = (await res.json()) as { error?: { code?: string; type?: string } };
    assert.equal(res.status, 502, `${prefix}: ${JSON.stringify(body)}`);
    assert.equal(body.error?.code, "upstream_unreachable");
    assert.equal(sim.requests.length, before, `${prefix}: no request (and so no key) reached the server`);
  }

  it("statuses: every TLS backend is accepted; a public provider host in clear text is not", async () => {
    const result = await applyManifests(pem("rogue-ca.pem"));
    const accepted = (name: string) =>
      result.statuses
        .filter((s) => s.kind === "AgentgatewayBackend" && s.name === name)
        .flatMap((s) => ("conditions" in s.status ? s.status.conditions : []))
        .find((c) => c.type === "Accepted");
    for (const name of ["trusted", "untrusted", "mtls", "mtls-missing", "san-mismatch", "rotating", "plain"])
      assert.equal(accepted(name)?.status, "True", name);
    const pub = accepted("public-plain");
    assert.equal(pub?.status, "False");
    assert.equal(pub?.reason, "PlaintextToPublicHost");
    assert.match(pub?.message ?? "", /api\.openai\.com:8080 is a public provider host .* plain HTTP/);
    const statuses = JSON.stringify(result.statuses);
    assert.ok(!statuses.includes(KEY) && !statuses.includes("BEGIN"), "no key or PEM in any status");
    const res = await chat("public-plain");
    assert.equal(res.status, 500, "the rule of a refused backend answers 500");
    await res.text();
  });

  it("trusted via caCertificateRefs: 200 with the key injected, SNI and ALPN as configured", async () => {
    const res = await chat("trusted");
    assert.equal(res.status, 200, await res.clone().text());
    await res.json();
    const rec = sims.https!.lastRequest();
    assert.equal(rec?.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(rec?.tls, { servername: "sim.test", alpn: "x-sim-proto" });
  });

  it("an untrusted server certificate fails closed: 502 and the key never sent", async () => {
    await expectRefused("untrusted", sims.rogue!);
  });

  it("mTLS: the client certificate from mtlsCertificateRef is presented; without it the server refuses", async () => {
    const res = await chat("mtls");
    assert.equal(res.status, 200, await res.clone().text());
    await res.json();
    assert.equal(sims.mtls!.lastRequest()?.tls?.clientCn, "gateway-client");
    await expectRefused("mtls-missing", sims.mtls!);
  });

  it("verifySubjectAltNames: a mismatch is refused, one matching name is enough", async () => {
    await expectRefused("san-mismatch", sims.https!);
    const res = await chat("san-match");
    assert.equal(res.status, 200, await res.clone().text());
    await res.json();
    // without alpnProtocols: undici's own offer (http/1.1); no sni: none for an IP host
    assert.deepEqual(sims.https!.lastRequest()?.tls, { alpn: "http/1.1" });
  });

  it("insecureSkipVerify: All accepts any certificate; Hostname still verifies the chain, not the name", async () => {
    for (const prefix of ["skip-all", "skip-hostname"]) {
      const res = await chat(prefix);
      assert.equal(res.status, 200, `${prefix}: ${await res.clone().text()}`);
      await res.json();
    }
    assert.equal(sims.https!.lastRequest()?.tls?.servername, "wrong.test");
    await expectRefused("wrong-sni", sims.https!);
    await expectRefused("skip-hostname-untrusted", sims.rogue!);
  });

  it("keyExchangeGroups: only the listed groups are offered", async () => {
    const res = await chat("kx-match");
    assert.equal(res.status, 200, await res.clone().text());
    await res.json();
    await expectRefused("kx-mismatch", sims.x25519!);
  });

  it("a host override without policies.tls is plain HTTP", async () => {
    const res = await chat("plain");
    assert.equal(res.status, 200, await res.clone().text());
    await res.json();
    const rec = sims.plain!.lastRequest();
    assert.equal(rec?.headers.authorization, `Bearer ${KEY}`);
    assert.equal(rec?.tls, undefined);
  });

  it("a changed CA ConfigMap reaches the proxy with the next snapshot: no restart", async () => {
    await expectRefused("rotating", sims.https!);
    await applyManifests(pem("test-ca.pem"));
    const res = await chat("rotating");
    assert.equal(res.status, 200, await res.clone().text());
    await res.json();
    // and back: the pool of the trusted CA is retired with its snapshot, not reused
    await applyManifests(pem("rogue-ca.pem"));
    await expectRefused("rotating", sims.https!);
  });

  it("no key or private key in the proxy's logs", () => {
    const logs = world.logs.join("");
    assert.ok(!logs.includes(KEY));
    assert.ok(!logs.includes("PRIVATE KEY"));
  });
});
