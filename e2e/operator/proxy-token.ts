// A proxy's identity on the snapshot stream, as the real API server issues it: the ServiceAccount
// named like the Gateway (the provisioner makes it; with --no-provision the test does), and a
// token from the TokenRequest API bound to the snapshot audience (`kubectl create token`).
import { SNAPSHOT_TOKEN_AUDIENCE } from "../../gateway/src/snapshot/protocol.ts";
import type { ControlPlane } from "../harness/control-plane.ts";

/** Ensures ServiceAccount <gateway> in <namespace> exists and returns a 1 h token for it. */
export async function proxyToken(
  cp: Pick<ControlPlane, "kubectl">,
  namespace: string,
  gateway: string,
  opts: { audience?: string; serviceAccount?: string } = {},
): Promise<string> {
  const sa = opts.serviceAccount ?? gateway;
  const created = await cp.kubectl(["create", "serviceaccount", sa, "-n", namespace]);
  if (created.code !== 0 && !/AlreadyExists/.test(created.stderr))
    throw new Error(`kubectl create serviceaccount ${namespace}/${sa}: ${created.stderr}`);
  const r = await cp.kubectl([
    "create",
    "token",
    sa,
    "-n",
    namespace,
    `--audience=${opts.audience ?? SNAPSHOT_TOKEN_AUDIENCE}`,
    "--duration=1h",
  ]);
  if (r.code !== 0) throw new Error(`kubectl create token ${namespace}/${sa}: ${r.stderr}`);
  return r.stdout.trim();
}
