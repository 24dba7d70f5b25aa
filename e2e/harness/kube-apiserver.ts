// kube-apiserver flags the way controller-runtime's envtest runs it: loopback only, RBAC, a
// static admin token, self-signed serving cert under --cert-dir, no ServiceAccount admission.
import type { CredentialFiles } from "./credentials.ts";
import { LOOPBACK } from "./free-port.ts";

export const SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24";
export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";

export function apiServerUrl(port: number): string {
  return `https://${LOOPBACK}:${port}`;
}

export function apiServerArgs(opts: {
  port: number;
  etcdServer: string;
  certDir: string;
  credentials: CredentialFiles;
}): string[] {
  return [
    `--etcd-servers=${opts.etcdServer}`,
    `--bind-address=${LOOPBACK}`,
    `--advertise-address=${LOOPBACK}`,
    `--secure-port=${opts.port}`,
    `--cert-dir=${opts.certDir}`,
    `--token-auth-file=${opts.credentials.tokenAuthFile}`,
    "--authorization-mode=RBAC",
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${opts.credentials.serviceAccountPub}`,
    `--service-account-signing-key-file=${opts.credentials.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    "--disable-admission-plugins=ServiceAccount",
    "--allow-privileged=true",
    "--enable-priority-and-fairness=false",
    "--profiling=false",
    "--enable-logs-handler=false",
    // The lease reconciler would publish 127.0.0.1 as the `kubernetes` Service endpoint, which
    // Endpoints validation rejects (loopback), logging an error every 10 s. Nothing here needs it.
    "--endpoint-reconciler-type=none",
  ];
}
