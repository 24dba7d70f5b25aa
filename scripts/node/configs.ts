// Pure renderers of every config file of the one-node cluster (no I/O): addresses, containerd,
// CNI, kubelet, kube-proxy, kubeconfigs, CoreDNS. scripts/node/cluster.ts writes them.
import { stringify } from "yaml";

/** Addresses inside the cluster's private network namespace (nothing connects it to the host). */
export const NET = {
  bridge: "node0",
  nodeIp: "10.254.254.1",
  nodeCidr: "10.254.254.1/24",
  podCidr: "10.88.0.0/16",
  serviceCidr: "10.96.0.0/16",
  /** The first address of the Service range: the `kubernetes` Service (in the serving cert). */
  apiServiceIp: "10.96.0.1",
  dnsServiceIp: "10.96.0.10",
  apiPort: 6443,
  clusterDomain: "cluster.local",
  nodeName: "node0",
} as const;

/** The name the API server's self-signed certificate carries (also used through the relay). */
export const API_TLS_NAME = "kubernetes";

export type NodeLayout = {
  dir: string;
  containerdRoot: string;
  containerdState: string;
  containerdSocket: string;
  cniConfDir: string;
  kubeletRoot: string;
  runcRoot: string;
};

export function containerdConfig(l: NodeLayout, sandboxImage: string): string {
  // Version 2 config of containerd 1.6. restrict_oom_score_adj: root here may not lower
  // oom_score_adj (runc would fail "can't get final child's PID from pipe"). No systemd: cgroupfs.
  return `version = 2
root = ${JSON.stringify(l.containerdRoot)}
state = ${JSON.stringify(l.containerdState)}
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${JSON.stringify(l.containerdSocket)}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${JSON.stringify(sandboxImage)}
  restrict_oom_score_adj = true
  enable_selinux = false
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        Root = ${JSON.stringify(l.runcRoot)}
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = ${JSON.stringify(l.cniConfDir)}
  [plugins."io.containerd.grpc.v1.cri".registry]
    config_path = ""
`;
}

/** Pod network: a bridge (cni0) with host-local addresses, hairpin for pod -> own Service. */
export function cniConflist(): string {
  return `${JSON.stringify(
    {
      cniVersion: "0.4.0",
      name: "pods",
      plugins: [
        {
          type: "bridge",
          bridge: "cni0",
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: NET.podCidr }]],
            routes: [{ dst: "0.0.0.0/0" }],
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

export function kubeletConfig(opts: { layout: NodeLayout; cgroupRoot: string }): string {
  return stringify({
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    containerRuntimeEndpoint: `unix://${opts.layout.containerdSocket}`,
    cgroupDriver: "cgroupfs",
    cgroupRoot: opts.cgroupRoot,
    cgroupsPerQOS: true,
    failCgroupV1: false,
    failSwapOn: false,
    // Machine-wide sysctls the kubelet sets anyway (saved and restored by cluster:down).
    protectKernelDefaults: false,
    address: NET.nodeIp,
    port: 10250,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: 10248,
    clusterDNS: [NET.dnsServiceIp],
    clusterDomain: NET.clusterDomain,
    // Pods never inherit the host's resolvers: nothing is resolved outside the cluster.
    resolvConf: "",
    // The API server reaches the kubelet (logs, exec) without a client certificate; the node's
    // address exists only inside the private network namespace.
    authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
    authorization: { mode: "AlwaysAllow" },
    // Imported images are never garbage-collected (nothing could pull them back) and a full
    // disk on a CI machine does not evict the test's pods.
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    evictionHard: { "memory.available": "50Mi", "nodefs.available": "1%", "imagefs.available": "1%" },
    maxPods: 60,
    serializeImagePulls: false,
    registerNode: true,
    nodeStatusReportFrequency: "10s",
    syncFrequency: "10s",
    fileCheckFrequency: "10s",
    shutdownGracePeriod: "0s",
  });
}

export function kubeProxyConfig(kubeconfigPath: string): string {
  return stringify({
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    mode: "iptables",
    clientConnection: { kubeconfig: kubeconfigPath },
    hostnameOverride: NET.nodeName,
    clusterCIDR: NET.podCidr,
    bindAddress: NET.nodeIp,
    healthzBindAddress: "127.0.0.1:10256",
    metricsBindAddress: "127.0.0.1:10249",
    // Leave the machine's conntrack settings alone (they are not per network namespace).
    conntrack: {
      maxPerCore: 0,
      min: 0,
      tcpEstablishedTimeout: "0s",
      tcpCloseWaitTimeout: "0s",
    },
  });
}

/** A token kubeconfig for a component (or the admin) against `server`. */
export function tokenKubeconfig(opts: {
  name: string;
  server: string;
  caPem: string;
  token: string;
  user: string;
  /** Verify this name instead of the server's host (the loopback relay). */
  tlsServerName?: string;
}): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: opts.name,
        cluster: {
          server: opts.server,
          "certificate-authority-data": Buffer.from(opts.caPem).toString("base64"),
          ...(opts.tlsServerName ? { "tls-server-name": opts.tlsServerName } : {}),
        },
      },
    ],
    users: [{ name: opts.user, user: { token: opts.token } }],
    contexts: [{ name: opts.name, context: { cluster: opts.name, user: opts.user, namespace: "default" } }],
    "current-context": opts.name,
    preferences: {},
  });
}

/** Static-token identities of the node's components (bound by the API server's bootstrap RBAC). */
export const COMPONENTS = {
  kubelet: { user: `system:node:${NET.nodeName}`, groups: ["system:nodes"] },
  scheduler: { user: "system:kube-scheduler", groups: [] as string[] },
  controllerManager: { user: "system:kube-controller-manager", groups: [] as string[] },
  proxy: { user: "system:kube-proxy", groups: [] as string[] },
} as const;
export type Component = keyof typeof COMPONENTS;

export function apiServerArgs(opts: {
  etcdServer: string;
  certDir: string;
  tokenAuthFile: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}): string[] {
  return [
    `--etcd-servers=${opts.etcdServer}`,
    "--bind-address=0.0.0.0",
    `--advertise-address=${NET.nodeIp}`,
    `--secure-port=${NET.apiPort}`,
    `--cert-dir=${opts.certDir}`,
    `--token-auth-file=${opts.tokenAuthFile}`,
    "--authorization-mode=Node,RBAC",
    "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
    `--service-account-key-file=${opts.serviceAccountPub}`,
    `--service-account-signing-key-file=${opts.serviceAccountKey}`,
    `--service-cluster-ip-range=${NET.serviceCidr}`,
    "--kubelet-preferred-address-types=InternalIP",
    "--allow-privileged=false",
    "--enable-admission-plugins=NodeRestriction",
    "--profiling=false",
    "--enable-logs-handler=false",
  ];
}

/** CoreDNS listens unprivileged (non-root, no capabilities); the Service maps port 53 to it. */
const DNS_POD_PORT = 1053;

/** CoreDNS: cluster names from the API, everything else NXDOMAIN (no forward plugin exists). */
export function corefile(): string {
  return `.:${DNS_POD_PORT} {
    errors
    health :8080
    ready :8181
    cache 30
    kubernetes ${NET.clusterDomain} in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    template ANY ANY . {
        rcode NXDOMAIN
    }
}
`;
}

export function coreDnsManifests(image: string): string {
  const labels = { "k8s-app": "kube-dns" };
  const docs: unknown[] = [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "coredns", namespace: "kube-system" } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "system:coredns" },
      rules: [
        {
          apiGroups: [""],
          resources: ["endpoints", "services", "pods", "namespaces"],
          verbs: ["list", "watch"],
        },
        { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["list", "watch"] },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "system:coredns" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:coredns" },
      subjects: [{ kind: "ServiceAccount", name: "coredns", namespace: "kube-system" }],
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "coredns", namespace: "kube-system" },
      data: { Corefile: corefile() },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "coredns", namespace: "kube-system", labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: "coredns",
            dnsPolicy: "Default",
            priorityClassName: "system-cluster-critical",
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "coredns",
                image,
                imagePullPolicy: "Never",
                args: ["-conf", "/etc/coredns/Corefile"],
                ports: [
                  { name: "dns", containerPort: DNS_POD_PORT, protocol: "UDP" },
                  { name: "dns-tcp", containerPort: DNS_POD_PORT, protocol: "TCP" },
                ],
                readinessProbe: { httpGet: { path: "/ready", port: 8181 }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: "/health", port: 8080 }, periodSeconds: 10 },
                resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { memory: "128Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [{ name: "config", mountPath: "/etc/coredns", readOnly: true }],
              },
            ],
            volumes: [{ name: "config", configMap: { name: "coredns" } }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: "kube-system", labels },
      spec: {
        clusterIP: NET.dnsServiceIp,
        selector: labels,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: DNS_POD_PORT },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: DNS_POD_PORT },
        ],
      },
    },
  ];
  return docs.map((d) => stringify(d)).join("---\n");
}
