// --provision against a real API server: per Gateway of our class a ServiceAccount, Service
// (listener ports, privileged ports mapped) and hardened proxy Deployment mounting a projected
// token of that ServiceAccount, all owned by the Gateway; no Secret is written, and a leftover
// `<gateway>-stream-token` Secret the Gateway owns is deleted (one it does not own is kept);
// listener changes reach the Service and the proxy's --port-map. An existing object named like the
// Gateway that the Gateway does not own is never adopted: it is left untouched and the Gateway is
// Programmed=False ProvisionedObjectConflict.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { cond, GATEWAY_CLASS_YAML, getObj } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";

const NS = "prov";

const gateway = (
  port: number,
  name = "edge",
  className = "agentgateway",
) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  gatewayClassName: ${className}
  listeners:
  - name: http
    port: ${port}
    protocol: HTTP
`;

interface Owned {
  metadata: { ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[] };
}

async function getJson<T>(cp: ControlPlane, args: string[]): Promise<T> {
  const r = await cp.kubectl([...args, "-o", "json"]);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

describe("operator e2e: provisioner", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;

  before(async () => {
    cp = await startControlPlane();
    await cp.apply(GATEWAY_CLASS_YAML);
    const r = await cp.kubectl(["create", "namespace", NS]);
    assert.equal(r.code, 0, r.stderr);
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      provision: true,
      extraArgs: [
        "--proxy-image",
        "example.test/ai-gateway:e2e",
        "--control-plane-url",
        "http://operator.test:15010",
      ],
    });
  });

  after(async () => {
    await op?.stop();
    await cp?.stop();
  });

  it("creates SA, Service and a hardened Deployment (projected SA token, no Secret) owned by the Gateway", async () => {
    await cp.apply(gateway(80));
    const gw = await getObj(cp, "gateway", NS, "edge");
    const uid = (gw.metadata as { uid?: string }).uid;
    await eventually(async () => {
      for (const [kind, name] of [
        ["serviceaccount", "edge"],
        ["service", "edge"],
        ["deployment", "edge"],
      ] as const) {
        const obj = await getJson<Owned>(cp, ["get", kind, name, "-n", NS]);
        const owner = obj.metadata.ownerReferences?.[0];
        assert.deepEqual(
          [owner?.kind, owner?.name, owner?.uid, owner?.controller],
          ["Gateway", "edge", uid, true],
        );
      }
    });
    const svc = await getJson<{ spec: { ports: { name: string; port: number; targetPort: number }[] } }>(cp, [
      "get",
      "service",
      "edge",
      "-n",
      NS,
    ]);
    assert.deepEqual(
      svc.spec.ports.map((p) => [p.name, p.port, p.targetPort]),
      [["http", 80, 8080]],
    );
    const dep = await getJson<{
      spec: {
        template: {
          spec: { securityContext: { runAsNonRoot: boolean }; containers: Record<string, never>[] };
        };
      };
    }>(cp, ["get", "deployment", "edge", "-n", NS]);
    const pod = dep.spec.template.spec;
    const c = pod.containers[0] as unknown as {
      image: string;
      args: string[];
      securityContext: { readOnlyRootFilesystem: boolean; allowPrivilegeEscalation: boolean };
      resources: { requests?: unknown };
    };
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.ok(c.resources.requests);
    assert.equal(c.image, "example.test/ai-gateway:e2e");
    assert.deepEqual(c.args.slice(0, 7), [
      "proxy",
      "--gateway",
      `${NS}/edge`,
      "--control-plane",
      "http://operator.test:15010",
      "--token-file",
      "/var/run/ai-gateway/token",
    ]);
    assert.ok(c.args.includes("80=8080"));
    const volumes = JSON.stringify((pod as unknown as { volumes: unknown[] }).volumes);
    assert.match(volumes, /"serviceAccountToken":\{[^}]*"audience":"ai-gateway\.dev\/snapshots"/);
    assert.doesNotMatch(volumes, /secretName/);
    const secrets = await cp.kubectl(["get", "secrets", "-n", NS, "-o", "name"]);
    assert.equal(secrets.stdout.trim(), "", "no Secret is written into the Gateway's namespace");
  });

  it("deletes a leftover <gateway>-stream-token Secret the Gateway owns, never one it does not", async () => {
    // Gateways of another class first, so their owned Secret exists before we provision them.
    await cp.apply(gateway(8080, "legacy", "someone-else"));
    const uid = ((await getObj(cp, "gateway", NS, "legacy")).metadata as { uid?: string }).uid ?? "";
    const secret = (name: string, owned: boolean) => `apiVersion: v1
kind: Secret
metadata:
  name: ${name}
  namespace: ${NS}
${owned ? `  ownerReferences:\n  - {apiVersion: gateway.networking.k8s.io/v1, kind: Gateway, name: legacy, uid: ${uid}, controller: true}\n` : ""}stringData:
  token: old-shared-token
`;
    await cp.apply(secret("legacy-stream-token", true));
    await cp.apply(secret("keep-stream-token", false));
    await cp.apply(gateway(8080, "keep", "agentgateway"));
    await cp.apply(gateway(8080, "legacy", "agentgateway"));
    await eventually(async () => {
      const r = await cp.kubectl(["get", "secret", "legacy-stream-token", "-n", NS]);
      assert.match(r.stderr, /NotFound/);
    });
    await getJson(cp, ["get", "deployment", "keep", "-n", NS]);
    await getJson(cp, ["get", "secret", "keep-stream-token", "-n", NS]);
    assert.match(op.output(), /deleted the legacy stream token Secret/);
    for (const name of ["legacy", "keep"])
      assert.equal((await cp.kubectl(["delete", "gateway", name, "-n", NS])).code, 0);
    assert.equal((await cp.kubectl(["delete", "secret", "keep-stream-token", "-n", NS])).code, 0);
  });

  it("never adopts a ServiceAccount it does not own: left untouched, the Gateway is Programmed=False", async () => {
    const r = await cp.kubectl(["create", "serviceaccount", "squatted", "-n", NS]);
    assert.equal(r.code, 0, r.stderr);
    const before = await getJson<Owned & { metadata: { resourceVersion: string } }>(cp, [
      "get",
      "serviceaccount",
      "squatted",
      "-n",
      NS,
    ]);
    await cp.apply(gateway(8088, "squatted"));
    await eventually(async () => {
      const gw = await getObj(cp, "gateway", NS, "squatted");
      const programmed = cond(gw.status?.conditions, "Programmed");
      assert.equal(programmed.status, "False");
      assert.equal(programmed.reason, "ProvisionedObjectConflict");
      assert.match(String(programmed.message), /ServiceAccount squatted/);
    });
    const after = await getJson<Owned & { metadata: { resourceVersion: string } }>(cp, [
      "get",
      "serviceaccount",
      "squatted",
      "-n",
      NS,
    ]);
    assert.equal(
      after.metadata.resourceVersion,
      before.metadata.resourceVersion,
      "the foreign object was changed",
    );
    assert.equal(after.metadata.ownerReferences, undefined);
    const dep = await cp.kubectl(["get", "deployment", "squatted", "-n", NS]);
    assert.notEqual(dep.code, 0, "no proxy Deployment for a Gateway that could not be provisioned");
    await cp.kubectl(["delete", "gateway", "squatted", "-n", NS]);
  });

  it("follows a listener port change, and the Gateway gets the Service address", async () => {
    await cp.apply(gateway(9090));
    await eventually(async () => {
      const svc = await getJson<{
        spec: { clusterIP: string; ports: { port: number; targetPort: number }[] };
      }>(cp, ["get", "service", "edge", "-n", NS]);
      assert.deepEqual(
        svc.spec.ports.map((p) => [p.port, p.targetPort]),
        [[9090, 9090]],
      );
      const gw = (await getObj(cp, "gateway", NS, "edge")) as {
        status?: { addresses?: { value: string }[] };
      };
      assert.equal(gw.status?.addresses?.[0]?.value, svc.spec.clusterIP);
    });
    const dep = await cp.kubectl([
      "get",
      "deployment",
      "edge",
      "-n",
      NS,
      "-o",
      "jsonpath={.spec.template.spec.containers[0].args}",
    ]);
    assert.equal(dep.stdout.includes("--port-map"), false);
  });
});
