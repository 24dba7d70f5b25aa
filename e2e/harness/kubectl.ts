// The real kubectl against a control plane's kubeconfig, with a private discovery cache so
// parallel control planes (and the developer's ~/.kube) never share cached API lists.
import { spawn } from "node:child_process";
import { kubectlPath } from "../../scripts/lib/versions.ts";

export type KubectlResult = { stdout: string; stderr: string; code: number };
export type KubectlOptions = { input?: string; timeoutMs?: number };

export function runKubectl(
  target: { kubeconfigPath: string; cacheDir: string },
  args: string[],
  opts: KubectlOptions = {},
): Promise<KubectlResult> {
  const fullArgs = [`--kubeconfig=${target.kubeconfigPath}`, `--cache-dir=${target.cacheDir}`, ...args];
  return new Promise((resolveResult, reject) => {
    const child = spawn(kubectlPath(), fullArgs, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, KUBECONFIG: target.kubeconfigPath },
      timeout: opts.timeoutMs ?? 120_000,
      killSignal: "SIGKILL",
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => err.push(c));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolveResult({
        stdout: Buffer.concat(out).toString("utf8"),
        stderr: Buffer.concat(err).toString("utf8") + (signal ? `\nkubectl killed by ${signal}` : ""),
        code: code ?? 1,
      }),
    );
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  });
}
