// Manifests of the in-cluster provider simulator (the product image, another command) and of the
// seed-003 backend pointed at it through the provider `host` override.
import { parse, stringify } from "yaml";
import { SEED_003 } from "../fixtures/seed-003.ts";

export const SIM_NS = "llm-simulator";
export const SIM_PORT = 9000;
export const SIM_HOST = `llm-simulator.${SIM_NS}.svc.cluster.local`;

export function simulatorManifests(image: string): string {
  const labels = { "app.kubernetes.io/name": "llm-simulator" };
  const docs = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: SIM_NS } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "llm-simulator", namespace: SIM_NS, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            automountServiceAccountToken: false,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "simulator",
                image,
                imagePullPolicy: "IfNotPresent",
                command: ["node", "e2e/simulator/main.ts"],
                args: ["--host", "0.0.0.0", "--port", String(SIM_PORT)],
                ports: [{ name: "http", containerPort: SIM_PORT }],
                readinessProbe: { httpGet: { path: "/_sim/health", port: SIM_PORT }, periodSeconds: 2 },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "llm-simulator", namespace: SIM_NS },
      spec: { selector: labels, ports: [{ name: "http", port: SIM_PORT, targetPort: SIM_PORT }] },
    },
  ];
  return docs.map((d) => stringify(d)).join("---\n");
}

/** Seed 003's backend, verbatim but for the provider host override (plain HTTP, in-cluster). */
export function backendToSimulator(): string {
  const backend = parse(SEED_003.backend) as { spec: { ai: { provider: Record<string, unknown> } } };
  backend.spec.ai.provider.host = SIM_HOST;
  backend.spec.ai.provider.port = SIM_PORT;
  backend.spec.ai.provider.plaintext = true;
  return stringify(backend);
}
