// Smoke test of the real control plane: the Gateway API is served, a GatewayClass and a Gateway
// round-trip through kubectl, and deleting them removes them.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { type ControlPlane, startControlPlane } from "./harness/control-plane.ts";

const CONTROLLER = "agentgateway.dev/ai-gateway";

const MANIFESTS = `
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: smoke
spec:
  controllerName: ${CONTROLLER}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: smoke
  namespace: default
spec:
  gatewayClassName: smoke
  listeners:
    - name: http
      protocol: HTTP
      port: 8080
`;

const GatewayClassJson = z.object({
  kind: z.literal("GatewayClass"),
  metadata: z.object({ name: z.string(), generation: z.number() }),
  spec: z.object({ controllerName: z.string() }),
});
const GatewayJson = z.object({
  kind: z.literal("Gateway"),
  metadata: z.object({ name: z.string(), namespace: z.string() }),
  spec: z.object({
    gatewayClassName: z.string(),
    listeners: z.array(z.object({ name: z.string(), protocol: z.string(), port: z.number() })),
  }),
  status: z
    .object({ conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string() })) })
    .optional(),
});

describe("smoke: Gateway API on the real control plane", () => {
  let cp: ControlPlane | undefined;

  before(async () => {
    cp = await startControlPlane();
  });

  after(async () => {
    await cp?.stop();
  });

  it("serves gateways.gateway.networking.k8s.io", async (t) => {
    assert.ok(cp);
    t.diagnostic(`control plane ready in ${cp.timings.readyMs} ms, CRDs after ${cp.timings.totalMs} ms`);
    const r = await cp.kubectl(["api-resources", "--api-group=gateway.networking.k8s.io", "-o", "name"]);
    assert.equal(r.code, 0, r.stderr);
    const names = r.stdout.trim().split("\n");
    assert.ok(names.includes("gateways.gateway.networking.k8s.io"), r.stdout);
    assert.ok(names.includes("gatewayclasses.gateway.networking.k8s.io"), r.stdout);
    assert.ok(names.includes("httproutes.gateway.networking.k8s.io"), r.stdout);
  });

  it("round-trips a GatewayClass and a Gateway, then deletes them", async () => {
    assert.ok(cp);
    await cp.apply(MANIFESTS);

    const gcOut = await cp.kubectl(["get", "gatewayclass", "smoke", "-o", "json"]);
    assert.equal(gcOut.code, 0, gcOut.stderr);
    const gc = GatewayClassJson.parse(JSON.parse(gcOut.stdout));
    assert.equal(gc.metadata.name, "smoke");
    assert.equal(gc.spec.controllerName, CONTROLLER);
    assert.equal(gc.metadata.generation, 1);

    const gwOut = await cp.kubectl(["get", "gateway", "smoke", "-n", "default", "-o", "json"]);
    assert.equal(gwOut.code, 0, gwOut.stderr);
    const gw = GatewayJson.parse(JSON.parse(gwOut.stdout));
    assert.equal(gw.metadata.namespace, "default");
    assert.equal(gw.spec.gatewayClassName, "smoke");
    assert.deepEqual(gw.spec.listeners, [{ name: "http", protocol: "HTTP", port: 8080 }]);
    // No controller runs here: the CRD's defaulted status says nobody has accepted it yet.
    const accepted = gw.status?.conditions.find((c) => c.type === "Accepted");
    assert.equal(accepted?.status, "Unknown");
    assert.equal(accepted?.reason, "Pending");

    const del = await cp.kubectl(["delete", "-f", "-", "--wait=true"], { input: MANIFESTS });
    assert.equal(del.code, 0, del.stderr);
    for (const args of [
      ["get", "gateway", "smoke", "-n", "default"],
      ["get", "gatewayclass", "smoke"],
    ]) {
      const gone = await cp.kubectl(args);
      assert.notEqual(gone.code, 0);
      assert.match(gone.stderr, /NotFound/);
    }
  });

  it("rejects a Gateway the CRD schema forbids (validation is real)", async () => {
    assert.ok(cp);
    const bad = MANIFESTS.replace("port: 8080", "port: 70000");
    const r = await cp.kubectl(["apply", "-f", "-"], { input: bad });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /port/);
    const left = await cp.kubectl(["get", "gateway", "-n", "default", "-o", "name"]);
    assert.equal(left.stdout.trim(), "");
    await cp.kubectl(["delete", "gatewayclass", "smoke", "--ignore-not-found"]);
  });
});
