// The real helm (built by scripts/binaries.sh) with private config/cache/data dirs, so tests never
// touch the developer's ~/.config/helm, plus the chart's location and multi-document YAML helpers.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { binPath, repoRoot } from "../../scripts/lib/versions.ts";

export const CHART_DIR = join(repoRoot, "charts", "ai-gateway");
export const RELEASE = "ai-gateway";
export const NAMESPACE = "ai-gateway-system";

export type HelmResult = { code: number; stdout: string; stderr: string };

export type Helm = {
  run(args: string[], opts?: { kubeconfigPath?: string }): Promise<HelmResult>;
  /** Removes the private helm home. */
  cleanup(): void;
};

export function createHelm(): Helm {
  const home = mkdtempSync(join(tmpdir(), "ai-gateway-helm-"));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    HELM_CACHE_HOME: join(home, "cache"),
    HELM_CONFIG_HOME: join(home, "config"),
    HELM_DATA_HOME: join(home, "data"),
  };
  return {
    run: (args, opts = {}) =>
      new Promise((resolveRun, reject) => {
        const full = opts.kubeconfigPath ? [...args, `--kubeconfig=${opts.kubeconfigPath}`] : args;
        const child = spawn(binPath("helm"), full, { env, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        child.stdout.on("data", (c: Buffer) => out.push(c));
        child.stderr.on("data", (c: Buffer) => err.push(c));
        child.on("error", reject);
        child.on("close", (code) =>
          resolveRun({
            code: code ?? 1,
            stdout: Buffer.concat(out).toString("utf8"),
            stderr: Buffer.concat(err).toString("utf8"),
          }),
        );
      }),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}

export const Manifest = z
  .object({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: z.object({ name: z.string(), namespace: z.string().optional() }).loose(),
  })
  .loose();
export type Manifest = z.infer<typeof Manifest>;

/** The objects of a multi-document YAML stream (empty documents dropped). */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors[0]?.message}`);
      return d.toJS() as unknown;
    })
    .filter((v) => v !== null && v !== undefined)
    .map((v) => Manifest.parse(v));
}

export function findManifest(all: Manifest[], kind: string, name: string): Manifest {
  const found = all.find((m) => m.kind === kind && m.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} ${name} among ${all.map((m) => `${m.kind}/${m.metadata.name}`).join(", ")}`);
  return found;
}
