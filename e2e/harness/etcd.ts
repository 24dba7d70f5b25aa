// etcd as a single loopback member tuned for throw-away test data: no fsync, small quota.
import { LOOPBACK } from "./free-port.ts";

const MEMBER = "ai-gateway";

export type EtcdPorts = { client: number; peer: number };

export function etcdUrl(port: number): string {
  return `http://${LOOPBACK}:${port}`;
}

export function etcdArgs(opts: { dataDir: string; ports: EtcdPorts }): string[] {
  const client = etcdUrl(opts.ports.client);
  const peer = etcdUrl(opts.ports.peer);
  return [
    `--name=${MEMBER}`,
    `--data-dir=${opts.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${MEMBER}=${peer}`,
    "--initial-cluster-state=new",
    "--unsafe-no-fsync=true",
    `--quota-backend-bytes=${512 * 1024 * 1024}`,
    "--snapshot-count=5000",
    "--log-level=warn",
  ];
}
