// Waits until the API server answers /readyz and the bootstrap namespace "default" exists, failing
// fast (with the log tail) when one of the control plane's processes dies meanwhile.
import { existsSync, readFileSync } from "node:fs";
import { HarnessError, HarnessErrorCode } from "./errors.ts";
import { type KubeConnection, kubeRequest } from "./kube-http.ts";
import { logTail, type ManagedProcess, sleep } from "./process.ts";

const ADDRESS_IN_USE = /address already in use/i;

/** Error for a process that exited early; PortInUse when its log says so (the caller retries). */
export function exitedError(proc: ManagedProcess): HarnessError {
  const tail = logTail(proc.logPath);
  const code = ADDRESS_IN_USE.test(tail) ? HarnessErrorCode.PortInUse : HarnessErrorCode.ProcessExited;
  return new HarnessError(
    code,
    `${proc.name} exited during startup; last lines of ${proc.logPath}:\n${tail}`,
  );
}

export type ReadyWait = {
  server: string;
  token: string;
  caPath: string;
  /** TLS name to verify when `server` is a relay (see KubeConnection). */
  servername?: string;
  processes: ManagedProcess[];
  timeoutMs: number;
};

async function probe(conn: KubeConnection): Promise<string | undefined> {
  try {
    const ready = await kubeRequest(conn, { method: "GET", path: "/readyz?verbose", timeoutMs: 5_000 });
    if (ready.status !== 200) return `/readyz HTTP ${ready.status}: ${failedChecks(ready.body)}`;
    const ns = await kubeRequest(conn, {
      method: "GET",
      path: "/api/v1/namespaces/default",
      timeoutMs: 5_000,
    });
    return ns.status === 200 ? undefined : `namespace default: HTTP ${ns.status}`;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function failedChecks(verboseBody: string): string {
  const failed = verboseBody.split("\n").filter((l) => l.startsWith("[-]"));
  return failed.length > 0 ? failed.join(", ") : verboseBody.slice(0, 300);
}

/** Resolves with the API server's CA (PEM) once it is ready. */
export async function waitApiServerReady(w: ReadyWait): Promise<string> {
  const deadline = Date.now() + w.timeoutMs;
  let last = "serving certificate not written yet";
  for (;;) {
    const dead = w.processes.find((p) => !p.alive());
    if (dead) throw exitedError(dead);
    if (existsSync(w.caPath)) {
      const caPem = readFileSync(w.caPath, "utf8");
      const problem = await probe({
        server: w.server,
        token: w.token,
        caPem,
        ...(w.servername ? { servername: w.servername } : {}),
      });
      if (problem === undefined) return caPem;
      last = problem;
    }
    if (Date.now() > deadline) {
      const logs = w.processes.map((p) => `--- ${p.logPath}\n${logTail(p.logPath, 15)}`).join("\n");
      throw new HarnessError(
        HarnessErrorCode.NotReady,
        `${w.server} not ready after ${w.timeoutMs} ms (last: ${last})\n${logs}`,
      );
    }
    await sleep(100);
  }
}
