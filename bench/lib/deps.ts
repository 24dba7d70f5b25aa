// Runs scripts/bench-deps.sh (guarded installs of the peers) and reports each part's outcome.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./paths.ts";

export type DepStatus = { part: string; ok: boolean; detail: string };

export function parseDeps(out: string): DepStatus[] {
  const res: DepStatus[] = [];
  for (const m of out.matchAll(/^bench-deps: (\S+) (ok|FAILED)\s*(.*)$/gm)) {
    res.push({ part: m[1] ?? "", ok: m[2] === "ok", detail: (m[3] ?? "").trim() });
  }
  return res;
}

export function installDeps(timeoutMs = 20 * 60_000): Promise<DepStatus[]> {
  return new Promise((resolve) => {
    const child = spawn("bash", [join(REPO, "scripts/bench-deps.sh")], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      process.stderr.write(b);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (err) => {
      clearTimeout(timer);
      resolve([{ part: "all", ok: false, detail: err.message }]);
    });
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(parseDeps(out));
    });
  });
}
