// --provision against a real API server: per Gateway of our class a ServiceAccount, token
// Secret, Service (listener ports, privileged ports mapped) and hardened proxy Deployment, all
// owned by the Gateway; listener changes reach the Service and the proxy's --port-map.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { GATEWAY_CLASS_YAML, getObj } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";

const NS = "prov";
const TOKEN = `stream-token-provisioner-${process.pid}-abcdef`;

const gateway = (port: number) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: edge
  namespace: ${NS}
spec:
  gatewayClassName: agentgateway
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
      token: TOKEN,
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

  it("creates SA, token Secret, Service and a hardened Deployment owned by the Gateway", async () => {
    await cp.apply(gateway(80));
    const gw = await getObj(cp, "gateway", NS, "edge");
    const uid = (gw.metadata as { uid?: string }).uid;
    await eventually(async () => {
      for (const [kind, name] of [
        ["serviceaccount", "edge"],
        ["secret", "edge-stream-token"],
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

  it("keeps the token out of logs and out of everything but the token Secret", async () => {
    assert.equal(op.output().includes(TOKEN), false);
    const all = await cp.kubectl([
      "get",
      "deployments,services,serviceaccounts,gateways",
      "-n",
      NS,
      "-o",
      "json",
    ]);
    assert.equal(all.stdout.includes(TOKEN), false);
    assert.equal(all.stdout.includes(Buffer.from(TOKEN).toString("base64")), false);
  });
});
