// The pinned versions of the real parts (scripts/versions.env) and where their builds are cached.
// One parser for the file scripts/binaries.sh sources, so TypeScript and bash never disagree.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Absolute path of the repository root. */
export const repoRoot: string = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const VersionsEnv = z.object({
  NODE_MAJOR: z.string().regex(/^\d+$/),
  KUBERNETES_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  ETCD_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  HELM_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  GATEWAY_API_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  COREDNS_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  CRICTL_VERSION: z.string().regex(/^v\d+\.\d+\.\d+$/),
  PAUSE_VERSION: z.string().regex(/^v\d+$/),
});

export type Versions = {
  nodeMajor: number;
  kubernetes: string;
  etcd: string;
  helm: string;
  gatewayApi: string;
  coredns: string;
  crictl: string;
  pause: string;
};

/** Parses `KEY=value` lines (comments, blank lines and optional quotes allowed) of a versions.env. */
export function parseVersionsEnv(text: string): Versions {
  const raw: Record<string, string> = {};
  for (const [i, line] of text.split("\n").entries()) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const m = /^([A-Z_][A-Z0-9_]*)=(?:"([^"]*)"|'([^']*)'|([^\s#]*))\s*(?:#.*)?$/.exec(trimmed);
    if (!m?.[1])
      throw new Error(`versions.env line ${i + 1}: expected KEY=value, got ${JSON.stringify(line)}`);
    raw[m[1]] = m[2] ?? m[3] ?? m[4] ?? "";
  }
  const env = VersionsEnv.parse(raw);
  return {
    nodeMajor: Number(env.NODE_MAJOR),
    kubernetes: env.KUBERNETES_VERSION,
    etcd: env.ETCD_VERSION,
    helm: env.HELM_VERSION,
    gatewayApi: env.GATEWAY_API_VERSION,
    coredns: env.COREDNS_VERSION,
    crictl: env.CRICTL_VERSION,
    pause: env.PAUSE_VERSION,
  };
}

export const versionsEnvPath: string = join(repoRoot, "scripts", "versions.env");

export const versions: Versions = parseVersionsEnv(readFileSync(versionsEnvPath, "utf8"));

/** The binaries scripts/binaries.sh builds. */
export type BinaryName =
  | "etcd"
  | "kube-apiserver"
  | "helm"
  | "kubelet"
  | "kube-scheduler"
  | "kube-controller-manager"
  | "kube-proxy"
  | "coredns"
  | "crictl"
  | "pause";

/** Cache root: $AI_GATEWAY_CACHE or ~/.cache/ai-gateway (the same rule as scripts/binaries.sh). */
export function cacheDir(): string {
  const fromEnv = process.env.AI_GATEWAY_CACHE;
  return fromEnv && fromEnv !== "" ? resolve(fromEnv) : join(homedir(), ".cache", "ai-gateway");
}

function versionOf(name: BinaryName): string {
  switch (name) {
    case "etcd":
      return versions.etcd;
    case "kube-apiserver":
    case "kubelet":
    case "kube-scheduler":
    case "kube-controller-manager":
    case "kube-proxy":
      return versions.kubernetes;
    case "coredns":
      return versions.coredns;
    case "crictl":
      return versions.crictl;
    case "pause":
      return versions.pause;
    case "helm":
      return versions.helm;
  }
}

/** Absolute path of a cached binary, e.g. ~/.cache/ai-gateway/bin/etcd-v3.6.16 (may not exist yet). */
export function binPath(name: BinaryName): string {
  return join(cacheDir(), "bin", `${name}-${versionOf(name)}`);
}

/** Absolute path of the Gateway API standard CRDs (one multi-document YAML file). */
export function gatewayApiCrdsPath(): string {
  return join(cacheDir(), `gateway-api-${versions.gatewayApi}`, "standard-install.yaml");
}

/** kubectl of the API server's release, built by scripts/binaries.sh (the machine's own one is two
 * minors behind and is only the fallback); override with $KUBECTL. */
export function kubectlPath(): string {
  const fromEnv = process.env.KUBECTL;
  if (fromEnv && fromEnv !== "") return fromEnv;
  const built = join(cacheDir(), "bin", `kubectl-${versions.kubernetes}`);
  return existsSync(built) ? built : "/usr/bin/kubectl";
}
