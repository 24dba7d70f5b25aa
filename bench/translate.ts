// Not a test: times translate() on a large world (default 5,000 AIRoutes + 1,000 backends, one
// Secret per backend, one Gateway) and the controller's work around it (building the
// ResourceSet, hashing it). Run:
//   ./node_modules/.bin/node bench/translate.ts [routes] [backends]
// Add --cpu-prof --cpu-prof-dir=/tmp/prof to see where the time goes.
import { performance } from "node:perf_hooks";
import { resourceSetFromObjects } from "../operator/src/core/resource-set.ts";
import { translate } from "../operator/src/core/translate.ts";
import { canonicalHash } from "../operator/src/edges/canonical-hash.ts";

const NS = "bench";
const routes = Number(process.argv[2] ?? 5000);
const backends = Number(process.argv[3] ?? 1000);

function world(): unknown[] {
  const objs: unknown[] = [
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GatewayClass",
      metadata: { name: "c" },
      spec: { controllerName: "agentgateway.dev/ai-gateway" },
    },
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "gw", namespace: NS, generation: 1 },
      spec: { gatewayClassName: "c", listeners: [{ name: "http", port: 80, protocol: "HTTP" }] },
    },
  ];
  for (let i = 0; i < backends; i++) {
    objs.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: `key-${i}`, namespace: NS },
      stringData: { apiKey: `sk-${i}` },
    });
    objs.push({
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AgentgatewayBackend",
      metadata: { name: `b-${i}`, namespace: NS, generation: 1 },
      spec: {
        ai: { provider: { openai: {}, host: "127.0.0.1", port: 9000, plaintext: true } },
        policies: { auth: { secretRef: { name: `key-${i}` } } },
      },
    });
  }
  for (let i = 0; i < routes; i++) {
    objs.push({
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AIRoute",
      metadata: { name: `r-${i}`, namespace: NS, generation: 1 },
      spec: {
        parentRefs: [{ name: "gw" }],
        hostnames: [`h${i}.example.com`],
        rules: [{ backendRefs: [{ name: `b-${i % backends}` }] }],
      },
    });
  }
  return objs;
}

function time<T>(label: string, fn: () => T, runs = 5): T {
  let out: T | undefined;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  process.stdout.write(
    `${label.padEnd(28)} min ${(ms[0] ?? 0).toFixed(1)} ms  median ${(ms[ms.length >> 1] ?? 0).toFixed(1)} ms\n`,
  );
  return out as T;
}

const objects = world();
const settings = { controllerName: "agentgateway.dev/ai-gateway" };
process.stdout.write(`${routes} AIRoutes, ${backends} backends + Secrets, 1 Gateway\n`);
const rs = time("resourceSetFromObjects", () => resourceSetFromObjects(objects));
time("canonicalHash(rs)", () => canonicalHash(rs));
const result = time("translate", () => translate(rs, settings));
const accepted = result.statuses.filter(
  (s) => s.kind === "AIRoute" && s.status.parents[0]?.conditions.some((c) => c.status === "True"),
).length;
process.stdout.write(
  `routes in snapshot: ${result.snapshots[`${NS}/gw`]?.routes.length}, statuses with True: ${accepted}\n`,
);

// Phases (the same steps translate() runs, timed one by one).
const { validateInputs } = await import("../operator/src/core/validate.ts");
const { routeModels } = await import("../operator/src/core/routes.ts");
time("  validateInputs", () => validateInputs(rs));
const inputs = validateInputs(rs);
time("  routeModels", () => routeModels(inputs));

// Around translate() in the controller: the input fingerprint (warm: objects unchanged since the
// last reconcile) and the snapshot hash computed on publish.
const { inputFingerprint } = await import("../operator/src/edges/input-fingerprint.ts");
const extra = { dataPlane: {}, rejections: {} };
time("inputFingerprint (cold)", () => inputFingerprint(structuredClone(objects), extra), 3);
time("inputFingerprint (warm)", () => inputFingerprint(objects, extra));
time("canonicalHash(snapshot)", () => canonicalHash(result.snapshots[`${NS}/gw`]));
