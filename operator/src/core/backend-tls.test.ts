import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stringify } from "yaml";
import { CONTROLLER_NAME, type ConfigMap, type Secret } from "../api/gateway-api.ts";
import { resolveUpstreamTls } from "./backend-tls.ts";
import { resourceSetFromObjects } from "./resource-set.ts";
import { loadGoldenCases, runCase } from "./testdata/golden-cases.ts";
import { translate } from "./translate.ts";

const cases = loadGoldenCases();
const byName = (n: string) => {
  const c = cases.find((x) => x.name === n);
  assert.ok(c, n);
  return c;
};

/** Every PEM body line and value of the Secrets and ConfigMaps of a golden case. */
function secretMaterial(input: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const o of input as {
    kind?: string;
    data?: Record<string, string>;
    stringData?: Record<string, string>;
  }[]) {
    if (o.kind !== "Secret" && o.kind !== "ConfigMap") continue;
    for (const v of Object.values({ ...o.data, ...o.stringData }))
      for (const line of v.split("\n")) if (line.length > 20 && !line.startsWith("-----")) out.push(line);
  }
  return out;
}

describe("policies.tls: secrets never leave", () => {
  for (const name of ["backend-tls", "backend-tls-failures"]) {
    it(`${name}: no certificate or key material in any status`, () => {
      const c = byName(name);
      const result = runCase(c);
      const statuses = stringify(result.statuses);
      const material = secretMaterial(c.file.input);
      assert.ok(material.length > 5, "the case holds PEM material");
      for (const m of material) assert.ok(!statuses.includes(m), `status leaks ${m.slice(0, 8)}...`);
      assert.ok(!/BEGIN (CERTIFICATE|PRIVATE KEY)/.test(statuses));
    });
  }
  it("the private key is in the snapshot (for the proxy) but the status names only the Secret", () => {
    const c = byName("backend-tls");
    const result = runCase(c);
    assert.match(JSON.stringify(result.snapshots), /BEGIN PRIVATE KEY/);
  });
});

describe("resolveUpstreamTls", () => {
  const ctx = { secrets: [] as Secret[], configMaps: [] as ConfigMap[] };
  it("an empty policies.tls is the default (undefined): system CAs, SNI from the host", () => {
    assert.equal(resolveUpstreamTls({}, "ns", "spec.policies.tls", ctx), undefined);
  });
  it("handshake settings pass through unchanged", () => {
    assert.deepEqual(
      resolveUpstreamTls(
        { sni: "a.example", insecureSkipVerify: "All", alpnProtocols: ["h2"], keyExchangeGroups: ["X25519"] },
        "ns",
        "p",
        ctx,
      ),
      { sni: "a.example", insecureSkipVerify: "All", alpnProtocols: ["h2"], keyExchangeGroups: ["X25519"] },
    );
  });
  it("a CA bundle with one good and one broken certificate is InvalidCertificate", () => {
    const good = byName("backend-tls").file.input.find(
      (o) => (o as { kind: string }).kind === "ConfigMap",
    ) as ConfigMap;
    const pem = good.data?.["ca.crt"] ?? "";
    const broken = `${pem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`;
    const cm: ConfigMap = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "ca", namespace: "ns" },
      data: { "ca.crt": broken },
    };
    const r = resolveUpstreamTls({ caCertificateRefs: [{ name: "ca" }] }, "ns", "p", {
      ...ctx,
      configMaps: [cm],
    });
    assert.ok(r && "reason" in r && r.reason === "InvalidCertificate", JSON.stringify(r));
    const ok = resolveUpstreamTls({ caCertificateRefs: [{ name: "ca" }] }, "ns", "p", {
      ...ctx,
      configMaps: [{ ...cm, data: { "ca.crt": pem } }],
    });
    assert.deepEqual(ok, { ca: pem });
    // another namespace's ConfigMap of the same name is not used
    const other = resolveUpstreamTls({ caCertificateRefs: [{ name: "ca" }] }, "elsewhere", "p", {
      ...ctx,
      configMaps: [{ ...cm, data: { "ca.crt": pem } }],
    });
    assert.ok(other && "reason" in other && other.reason === "ConfigMapNotFound");
  });
});

describe("policies.tls under the dev providerOverride", () => {
  const objects = (tls: unknown) => [
    {
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AgentgatewayBackend",
      metadata: { name: "b", namespace: "default" },
      spec: { ai: { provider: { openai: {} } }, policies: { auth: { key: "k" }, tls } },
    },
  ];
  const accepted = (tls: unknown) => {
    const result = translate(resourceSetFromObjects(objects(tls)), {
      controllerName: CONTROLLER_NAME,
      providerOverride: "http://127.0.0.1:9000",
    });
    const s = result.statuses.find((x) => x.kind === "AgentgatewayBackend");
    assert.ok(s && "conditions" in s.status);
    return s.status.conditions.find((c) => c.type === "Accepted");
  };
  it("a missing CA ConfigMap still fails the backend (refs are checked, not skipped)", () => {
    const c = accepted({ caCertificateRefs: [{ name: "absent" }] });
    assert.equal(c?.status, "False");
    assert.equal(c?.reason, "ConfigMapNotFound");
  });
  it("with refs that resolve, the plain-HTTP dev endpoint is used as is", () => {
    assert.equal(accepted({ sni: "x.example" })?.status, "True");
  });
});
