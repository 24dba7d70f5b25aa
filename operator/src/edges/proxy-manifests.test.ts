import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SNAPSHOT_TOKEN_AUDIENCE } from "../../../gateway/src/snapshot/protocol.ts";
import { type GatewayInfo, proxyManifests, servicePorts } from "./proxy-manifests.ts";

const gw: GatewayInfo = {
  namespace: "ns",
  name: "llm",
  uid: "uid-1",
  listeners: [
    { name: "http", port: 80, protocol: "HTTP" },
    { name: "alt", port: 8081, protocol: "HTTP" },
    { name: "dup", port: 80, protocol: "HTTP" },
    { name: "udp", port: 53, protocol: "UDP" },
  ],
};
const settings = { image: "img:1", controlPlaneUrl: "http://op.ns.svc:15010" };

describe("proxyManifests", () => {
  it("maps privileged ports to port+8000 and one Service port per distinct HTTP port", () => {
    assert.deepEqual(servicePorts(gw), [
      { name: "http", port: 80, targetPort: 8080 },
      { name: "alt", port: 8081, targetPort: 8081 },
    ]);
  });

  it("makes SA, Service, Deployment, PDB (no Secret), all controller-owned by the Gateway", () => {
    const ms = proxyManifests(gw, settings);
    assert.deepEqual(
      ms.map((m) => m.kind),
      ["ServiceAccount", "Service", "Deployment", "PodDisruptionBudget"],
    );
    for (const m of ms) {
      const owners = m.metadata.ownerReferences as { uid: string; controller: boolean; kind: string }[];
      assert.deepEqual(
        owners.map((o) => [o.kind, o.uid, o.controller]),
        [["Gateway", "uid-1", true]],
      );
      assert.equal(m.metadata.namespace, "ns");
    }
  });

  it("mounts a projected, audience-bound, short-lived token of the Gateway's own ServiceAccount", () => {
    const dep = proxyManifests(gw, settings)[2] as unknown as {
      spec: {
        template: {
          spec: { serviceAccountName: string; automountServiceAccountToken: boolean; volumes: unknown[] };
        };
      };
    };
    const pod = dep.spec.template.spec;
    assert.equal(pod.serviceAccountName, "llm");
    assert.equal(pod.automountServiceAccountToken, false, "no API token of the default audience");
    assert.deepEqual(pod.volumes[0], {
      name: "stream-token",
      projected: {
        defaultMode: 0o440,
        sources: [
          {
            serviceAccountToken: {
              path: "token",
              audience: SNAPSHOT_TOKEN_AUDIENCE,
              expirationSeconds: 3600,
            },
          },
        ],
      },
    });
  });

  it("runs the proxy non-root, read-only, without privilege escalation, with resources and --port-map", () => {
    const dep = proxyManifests(gw, settings)[2] as unknown as {
      spec: {
        template: {
          spec: { securityContext: { runAsNonRoot: boolean }; containers: Record<string, unknown>[] };
        };
      };
    };
    const pod = dep.spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    const c = pod.containers[0] as {
      command: string[];
      args: string[];
      securityContext: Record<string, unknown>;
      resources: { requests: unknown; limits: unknown };
    };
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.ok(c.resources.requests && c.resources.limits);
    const args = c.args.join(" ");
    assert.match(
      args,
      /^proxy --gateway ns\/llm --control-plane http:\/\/op\.ns\.svc:15010 --token-file \/var\/run\/ai-gateway\/token/,
    );
    assert.match(args, /--port-map 80=8080 --bind 0\.0\.0\.0$/, "in the pod: every interface, explicitly");
    // the image's entrypoint, with the heap and GC flags (one of them Node refuses in NODE_OPTIONS)
    assert.deepEqual(c.command, [
      "node",
      "--max-semi-space-size=4",
      "--heap-growing-percent=20",
      "--no-memory-reducer",
      "operator/src/cli.ts",
    ]);
  });
});

describe("proxyManifests: Redis and workers from AgentgatewayParameters", () => {
  it("passes --redis-url and the password from a Secret in the Gateway's namespace, and --workers", () => {
    const withRedis: GatewayInfo = {
      ...gw,
      deployment: {
        replicas: 2,
        maxUnavailable: 1,
        redis: { url: "redis://redis.shared:6379", passwordSecretRef: { name: "redis-auth" } },
        workers: 0,
      },
    };
    const dep = proxyManifests(withRedis, settings).find((m) => m.kind === "Deployment") as unknown as {
      spec: { template: { spec: { containers: { args: string[]; env: unknown[] }[] } } };
    };
    const c = dep.spec.template.spec.containers[0];
    assert.ok(c);
    const at = c.args.indexOf("--redis-url");
    assert.equal(c.args[at + 1], "redis://redis.shared:6379");
    assert.equal(c.args[c.args.indexOf("--workers") + 1], "auto");
    assert.deepEqual(c.env[0], {
      name: "AI_GATEWAY_REDIS_PASSWORD",
      valueFrom: { secretKeyRef: { name: "redis-auth", key: "password" } },
    });
    assert.ok(!JSON.stringify(c.args).includes("redis-auth"), "the password's Secret is not in the args");
  });

  it("without Redis or workers the container has neither", () => {
    const dep = proxyManifests(gw, settings).find((m) => m.kind === "Deployment") as unknown as {
      spec: { template: { spec: { containers: { args: string[]; env: unknown[] }[] } } };
    };
    const c = dep.spec.template.spec.containers[0];
    assert.ok(c && !c.args.includes("--redis-url") && !c.args.includes("--workers"));
    assert.equal(c.env.length, 0);
  });
});

describe("proxyManifests: the snapshot CA bundle", () => {
  it("publishes the bundle in a Gateway-owned ConfigMap, mounts it and passes --snapshot-ca", () => {
    const bundle = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const ms = proxyManifests(gw, {
      ...settings,
      controlPlaneUrl: "https://op.ns.svc:15010",
      caBundle: bundle,
    });
    const cm = ms.find((m) => m.kind === "ConfigMap") as unknown as {
      metadata: { name: string; ownerReferences: { kind: string }[] };
      data: Record<string, string>;
    };
    assert.equal(cm.metadata.name, "llm-snapshot-ca");
    assert.deepEqual(cm.data, { "ca.crt": bundle });
    assert.equal(cm.metadata.ownerReferences[0]?.kind, "Gateway");
    const dep = ms.find((m) => m.kind === "Deployment") as unknown as {
      spec: {
        template: {
          spec: {
            containers: { args: string[]; volumeMounts: { name: string; mountPath: string }[] }[];
            volumes: { name: string; configMap?: { name: string } }[];
          };
        };
      };
    };
    const pod = dep.spec.template.spec;
    const c = pod.containers[0];
    assert.ok(c);
    assert.equal(c.args[c.args.indexOf("--snapshot-ca") + 1], "/etc/ai-gateway/snapshot-ca/ca.crt");
    assert.equal(c.args[c.args.indexOf("--control-plane") + 1], "https://op.ns.svc:15010");
    assert.ok(
      c.volumeMounts.some((v) => v.name === "snapshot-ca" && v.mountPath === "/etc/ai-gateway/snapshot-ca"),
    );
    assert.deepEqual(
      pod.volumes.find((v) => v.name === "snapshot-ca"),
      { name: "snapshot-ca", configMap: { name: "llm-snapshot-ca" } },
    );
  });
});
