// Where everything of one control plane lives inside its directory.
import { mkdirSync } from "node:fs";
import { join } from "node:path";

export type Layout = {
  dir: string;
  etcdData: string;
  pki: string;
  /** kube-apiserver --cert-dir: it generates its self-signed serving cert (and CA) here once. */
  servingCerts: string;
  servingCert: string;
  logs: string;
  etcdLog: string;
  apiServerLog: string;
  kubeconfig: string;
  kubectlCache: string;
  state: string;
};

export function layoutOf(dir: string): Layout {
  const servingCerts = join(dir, "serving");
  return {
    dir,
    etcdData: join(dir, "etcd"),
    pki: join(dir, "pki"),
    servingCerts,
    servingCert: join(servingCerts, "apiserver.crt"),
    logs: join(dir, "logs"),
    etcdLog: join(dir, "logs", "etcd.log"),
    apiServerLog: join(dir, "logs", "kube-apiserver.log"),
    kubeconfig: join(dir, "kubeconfig"),
    kubectlCache: join(dir, "kubectl-cache"),
    state: join(dir, "state.json"),
  };
}

export function createLayoutDirs(l: Layout): void {
  for (const d of [l.dir, l.etcdData, l.pki, l.servingCerts, l.logs, l.kubectlCache]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
  }
}
