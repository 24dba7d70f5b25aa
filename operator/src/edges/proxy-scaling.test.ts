import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type GatewayInfo, type Manifest, proxyManifests } from "./proxy-manifests.ts";
import { DEFAULT_PROXY_DEPLOYMENT, resolveProxyDeployment } from "./proxy-parameters.ts";

const settings = { image: "img:1", controlPlaneUrl: "http://op.ns.svc:15010", token: "t" };
const base: GatewayInfo = {
  namespace: "apps",
  name: "llm",
  uid: "uid-1",
  listeners: [{ name: "http", port: 80, protocol: "HTTP" }],
};

function params(namespace: string, name: string, spec: unknown) {
  return {
    apiVersion: "agentgateway.dev/v1alpha1",
    kind: "AgentgatewayParameters",
    metadata: { namespace, name },
    spec,
  };
}
const ref = (name: string, namespace?: string) => ({
  group: "agentgateway.dev",
  kind: "AgentgatewayParameters",
  name,
  ...(namespace ? { namespace } : {}),
});
const store = new Map<string, unknown>([
  [
    "system/defaults",
    params("system", "defaults", { replicas: 2, podDisruptionBudget: { maxUnavailable: 1 } }),
  ],
  ["apps/big", params("apps", "big", { replicas: 5 })],
  ["apps/auto", params("apps", "auto", { autoscaling: { minReplicas: 2, maxReplicas: 6 } })],
  ["apps/bad", params("apps", "bad", { replicas: -3 })],
  [
    "system/redis",
    params("system", "redis", {
      redis: { url: "redis://redis.shared:6379", passwordSecretRef: { name: "redis-auth" } },
      workers: 2,
    }),
  ],
  ["apps/no-tls-redis", params("apps", "no-tls-redis", { redis: { url: "http://redis:6379" } })],
]);
const getParameters = (ns: string, name: string) => store.get(`${ns}/${name}`);
const gatewayClass = (parametersRef?: unknown) => ({
  spec: { controllerName: "x", ...(parametersRef ? { parametersRef } : {}) },
});
const gateway = (parametersRef?: unknown) => ({
  metadata: { namespace: "apps", name: "llm" },
  spec: {
    gatewayClassName: "c",
    listeners: [],
    ...(parametersRef ? { infrastructure: { parametersRef } } : {}),
  },
});

describe("resolveProxyDeployment", () => {
  it("carries Redis and workers from the class; a Gateway's own parameters keep them unless they set their own", () => {
    const fromClass = resolveProxyDeployment({
      gateway: gateway(ref("big")),
      gatewayClass: gatewayClass(ref("redis", "system")),
      getParameters,
    });
    assert.deepEqual(fromClass, {
      replicas: 5,
      maxUnavailable: 1,
      redis: { url: "redis://redis.shared:6379", passwordSecretRef: { name: "redis-auth" } },
      workers: 2,
    });
    // a URL that is not redis:// or rediss:// makes the object invalid: it contributes nothing
    assert.deepEqual(
      resolveProxyDeployment({
        gateway: gateway(ref("no-tls-redis")),
        gatewayClass: gatewayClass(),
        getParameters,
      }),
      DEFAULT_PROXY_DEPLOYMENT,
    );
  });

  it("defaults to one replica, maxUnavailable 1", () => {
    assert.deepEqual(
      resolveProxyDeployment({ gateway: gateway(), gatewayClass: gatewayClass(), getParameters }),
      DEFAULT_PROXY_DEPLOYMENT,
    );
  });

  it("takes the class's parameters, then the Gateway's field by field", () => {
    const fromClass = resolveProxyDeployment({
      gateway: gateway(),
      gatewayClass: gatewayClass(ref("defaults", "system")),
      getParameters,
    });
    assert.deepEqual(fromClass, { replicas: 2, maxUnavailable: 1 });
    const both = resolveProxyDeployment({
      gateway: gateway(ref("big")),
      gatewayClass: gatewayClass(ref("defaults", "system")),
      getParameters,
    });
    assert.deepEqual(both, { replicas: 5, maxUnavailable: 1 });
  });

  it("ignores refs to other kinds, missing, invalid, or namespace-less class refs", () => {
    for (const r of [
      { ...ref("big"), kind: "ConfigMap" },
      { ...ref("big"), group: "example.com" },
      ref("missing"),
      ref("bad"),
    ]) {
      assert.deepEqual(
        resolveProxyDeployment({ gateway: gateway(r), gatewayClass: gatewayClass(), getParameters }),
        DEFAULT_PROXY_DEPLOYMENT,
      );
    }
    assert.deepEqual(
      resolveProxyDeployment({
        gateway: gateway(),
        gatewayClass: gatewayClass(ref("defaults")),
        getParameters,
      }),
      DEFAULT_PROXY_DEPLOYMENT,
    );
  });
});

function byKind(ms: Manifest[], kind: string): Record<string, unknown> & Manifest {
  const m = ms.find((x) => x.kind === kind);
  assert.ok(m, kind);
  return m;
}

describe("proxy manifests with parameters", () => {
  it("replicas, a rolling update that never lowers capacity, and a PDB per Gateway", () => {
    const ms = proxyManifests({ ...base, deployment: { replicas: 3, maxUnavailable: 1 } }, settings);
    const spec = byKind(ms, "Deployment").spec as Record<string, unknown>;
    assert.equal(spec.replicas, 3);
    assert.deepEqual(spec.strategy, {
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: 1 },
    });
    const pdb = byKind(ms, "PodDisruptionBudget");
    assert.deepEqual(pdb.spec, {
      maxUnavailable: 1,
      selector: {
        matchLabels: {
          "app.kubernetes.io/name": "ai-gateway-proxy",
          "gateway.networking.k8s.io/gateway-name": "llm",
        },
      },
    });
    assert.equal(
      ms.find((m) => m.kind === "HorizontalPodAutoscaler"),
      undefined,
    );
  });

  it("with autoscaling: an HPA on the Deployment, which then leaves replicas to it", () => {
    const ms = proxyManifests(
      {
        ...base,
        deployment: { replicas: 1, maxUnavailable: 1, autoscaling: { minReplicas: 2, maxReplicas: 6 } },
      },
      settings,
    );
    assert.equal((byKind(ms, "Deployment").spec as Record<string, unknown>).replicas, undefined);
    assert.deepEqual(byKind(ms, "HorizontalPodAutoscaler").spec, {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "llm" },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } },
        },
      ],
    });
  });
});
