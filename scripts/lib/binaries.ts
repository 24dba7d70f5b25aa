// Makes sure the cached control-plane binaries exist, building the missing ones with
// scripts/binaries.sh (the only builder). Slow the first time (kube-apiserver builds from source).
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { join } from "node:path";
import { type BinaryName, binPath, gatewayApiCrdsPath, repoRoot } from "./versions.ts";

const REQUIRED: readonly BinaryName[] = ["etcd", "kube-apiserver", "helm"];
/** What `cluster:up --node` runs besides the control plane. */
export const NODE_BINARIES: readonly BinaryName[] = [
  "kubelet",
  "kube-scheduler",
  "kube-controller-manager",
  "kube-proxy",
  "coredns",
  "crictl",
  "pause",
];

function usable(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** Paths of the required binaries/files that are not in the cache yet. */
export function missingBinaries(node = false): string[] {
  const missing = (node ? [...REQUIRED, ...NODE_BINARIES] : REQUIRED)
    .map(binPath)
    .filter((p) => !usable(p, constants.X_OK));
  const crds = gatewayApiCrdsPath();
  if (!usable(crds, constants.R_OK)) missing.push(crds);
  return missing;
}

/** Builds whatever is missing (progress on stderr). Resolves at once when everything is cached. */
export async function ensureBinaries(node = false): Promise<void> {
  if (missingBinaries(node).length === 0) return;
  const script = join(repoRoot, "scripts", "binaries.sh");
  const code = await new Promise<number | null>((resolveExit, reject) => {
    const child = spawn("bash", [script], { stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("exit", (c) => resolveExit(c));
  });
  if (code !== 0) throw new Error(`scripts/binaries.sh failed (exit ${code})`);
  const still = missingBinaries(node);
  if (still.length > 0)
    throw new Error(`scripts/binaries.sh finished but these are missing: ${still.join(", ")}`);
}
