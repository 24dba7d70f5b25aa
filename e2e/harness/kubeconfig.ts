// The admin kubeconfig of a control plane: one cluster (server + CA), one token user, one context.
import { writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { ADMIN_USER } from "./credentials.ts";

export type KubeconfigInput = { contextName: string; server: string; caPem: string; token: string };

export function renderKubeconfig(input: KubeconfigInput): string {
  const name = input.contextName;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name,
        cluster: {
          server: input.server,
          "certificate-authority-data": Buffer.from(input.caPem).toString("base64"),
        },
      },
    ],
    users: [{ name: ADMIN_USER, user: { token: input.token } }],
    contexts: [{ name, context: { cluster: name, user: ADMIN_USER, namespace: "default" } }],
    "current-context": name,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, input: KubeconfigInput): void {
  writeFileSync(path, renderKubeconfig(input), { mode: 0o600 });
}
