// The objects the provisioner keeps for one Gateway of our class: a ServiceAccount (the proxy's
// identity on the snapshot stream), a Service named like the Gateway (one port per listener port),
// the proxy Deployment, its PodDisruptionBudget and (when autoscaled) HorizontalPodAutoscaler. The
// Deployment mounts a projected, audience-bound, short-lived token of that ServiceAccount (the
// kubelet rotates it; the proxy re-reads it on every reconnect); no shared secret is copied into
// the Gateway's namespace. Every object has a controller ownerReference to the Gateway, so garbage
// collection removes them with it (no finalizers). Pure: the provisioner applies the result.
//
// Listener ports below 1024 are served on port + 8000 inside the pod (the proxy runs as non-root,
// with --port-map), so the Service maps e.g. port 80 → targetPort 8080.

import { formatProxyArgs, REDIS_PASSWORD_ENV } from "../../../gateway/src/flags.ts";
import { SNAPSHOT_TOKEN_AUDIENCE } from "../../../gateway/src/snapshot/protocol.ts";
import { PROXY_COMMAND } from "./proxy-node-options.ts";
import { DEFAULT_PROXY_DEPLOYMENT, type ProxyDeployment } from "./proxy-parameters.ts";

export const PROXY_ADMIN_PORT = 15000;
export const TOKEN_MOUNT_DIR = "/var/run/ai-gateway";
export const PROXY_COMPONENT = "ai-gateway-proxy";

/** Lifetime the kubelet gives the projected stream token (it rotates it at 80 %). */
export const TOKEN_EXPIRATION_SECONDS = 3600;
const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

export interface GatewayInfo {
  namespace: string;
  name: string;
  uid: string;
  listeners: { name: string; port: number; protocol: string }[];
  /** Replicas, disruption budget, autoscaling (AgentgatewayParameters). Default: one replica. */
  deployment?: ProxyDeployment;
}

export interface ProvisionSettings {
  image: string;
  controlPlaneUrl: string;
  /** The operator CA bundle (PEM) proxies verify the snapshot server with; absent: plain HTTP. */
  caBundle?: string;
}

/** Where the CA bundle ConfigMap is mounted in proxy pods. */
export const CA_MOUNT_DIR = "/etc/ai-gateway/snapshot-ca";

/** The ConfigMap holding the snapshot CA bundle, one per Gateway (owned by it, like the rest). */
export function caBundleConfigMapName(gatewayName: string): string {
  return `${gatewayName}-snapshot-ca`;
}

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string } & Record<string, unknown>;
} & Record<string, unknown>;

export function targetPort(port: number): number {
  return port < 1024 ? port + 8000 : port;
}

/** The Secret older versions copied the shared stream token into; the provisioner deletes it. */
export function legacyTokenSecretName(gatewayName: string): string {
  return `${gatewayName}-stream-token`;
}

/** The provisioned ServiceAccount, whose tokens are the proxy's identity on the stream. */
export function proxyServiceAccountName(gatewayName: string): string {
  return gatewayName;
}

export function proxyManifests(gw: GatewayInfo, settings: ProvisionSettings): Manifest[] {
  const ports = servicePorts(gw);
  return [
    ...(settings.caBundle !== undefined ? [caBundleConfigMap(gw, settings.caBundle)] : []),
    serviceAccount(gw),
    ...(ports.length > 0 ? [service(gw, ports)] : []),
    deployment(gw, ports, settings),
    podDisruptionBudget(gw),
    ...(gw.deployment?.autoscaling ? [autoscaler(gw, gw.deployment.autoscaling)] : []),
  ];
}

function caBundleConfigMap(gw: GatewayInfo, bundle: string): Manifest {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: metadata(gw, caBundleConfigMapName(gw.name)),
    // public certificates only: what the proxy trusts, never a key
    data: { "ca.crt": bundle },
  };
}

function podDisruptionBudget(gw: GatewayInfo): Manifest {
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: metadata(gw, gw.name),
    spec: {
      maxUnavailable: (gw.deployment ?? DEFAULT_PROXY_DEPLOYMENT).maxUnavailable,
      selector: { matchLabels: selector(gw) },
    },
  };
}

function autoscaler(gw: GatewayInfo, a: NonNullable<ProxyDeployment["autoscaling"]>): Manifest {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: metadata(gw, gw.name),
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: gw.name },
      minReplicas: a.minReplicas,
      maxReplicas: a.maxReplicas,
      metrics: [
        {
          type: "Resource",
          resource: {
            name: "cpu",
            target: { type: "Utilization", averageUtilization: a.targetCPUUtilizationPercentage ?? 80 },
          },
        },
      ],
    },
  };
}

/** One Service port per distinct HTTP listener port, named after its first listener. */
export function servicePorts(gw: GatewayInfo): { name: string; port: number; targetPort: number }[] {
  const out: { name: string; port: number; targetPort: number }[] = [];
  for (const l of gw.listeners) {
    if (l.protocol !== "HTTP" || l.port < 1 || l.port > 65535 || out.some((p) => p.port === l.port)) continue;
    const name = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(l.name) ? l.name : `port-${l.port}`;
    out.push({ name, port: l.port, targetPort: targetPort(l.port) });
  }
  return out;
}

function labels(gw: GatewayInfo): Record<string, string> {
  return {
    "app.kubernetes.io/name": PROXY_COMPONENT,
    "app.kubernetes.io/instance": gw.name,
    "app.kubernetes.io/managed-by": "ai-gateway-operator",
    [GATEWAY_NAME_LABEL]: gw.name,
  };
}

function selector(gw: GatewayInfo): Record<string, string> {
  return { "app.kubernetes.io/name": PROXY_COMPONENT, [GATEWAY_NAME_LABEL]: gw.name };
}

function metadata(gw: GatewayInfo, name: string) {
  return {
    name,
    namespace: gw.namespace,
    labels: labels(gw),
    ownerReferences: [
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        name: gw.name,
        uid: gw.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

function serviceAccount(gw: GatewayInfo): Manifest {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: metadata(gw, proxyServiceAccountName(gw.name)),
    automountServiceAccountToken: false,
  };
}

function service(gw: GatewayInfo, ports: ReturnType<typeof servicePorts>): Manifest {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(gw, gw.name),
    spec: {
      type: "LoadBalancer",
      selector: selector(gw),
      ports: ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort, protocol: "TCP" })),
    },
  };
}

function proxyArgs(gw: GatewayInfo, ports: ReturnType<typeof servicePorts>, settings: ProvisionSettings) {
  return [
    "proxy",
    ...formatProxyArgs({
      gateway: `${gw.namespace}/${gw.name}`,
      controlPlane: settings.controlPlaneUrl,
      tokenFile: `${TOKEN_MOUNT_DIR}/token`,
      adminPort: PROXY_ADMIN_PORT,
      // In the pod: every interface (Service endpoints, kubelet probes); the default is loopback.
      bind: "0.0.0.0",
      portMap: new Map(ports.filter((p) => p.port !== p.targetPort).map((p) => [p.port, p.targetPort])),
      ...(gw.deployment?.redis ? { redisUrl: gw.deployment.redis.url } : {}),
      ...(settings.caBundle !== undefined ? { snapshotCa: `${CA_MOUNT_DIR}/ca.crt` } : {}),
      ...(gw.deployment?.workers !== undefined
        ? { workers: gw.deployment.workers === 0 ? ("auto" as const) : gw.deployment.workers }
        : {}),
    }),
  ];
}

/** The proxy's environment: the Redis password from the Gateway's namespace. */
function proxyEnv(gw: GatewayInfo) {
  const secret = gw.deployment?.redis?.passwordSecretRef;
  return [
    ...(secret
      ? [
          {
            name: REDIS_PASSWORD_ENV,
            valueFrom: { secretKeyRef: { name: secret.name, key: secret.key ?? "password" } },
          },
        ]
      : []),
  ];
}

function deployment(gw: GatewayInfo, ports: ReturnType<typeof servicePorts>, settings: ProvisionSettings) {
  const probe = (path: string) => ({
    httpGet: { path, port: PROXY_ADMIN_PORT },
    periodSeconds: 5,
    timeoutSeconds: 2,
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: metadata(gw, gw.name),
    spec: {
      // Left to the HorizontalPodAutoscaler when there is one (server-side apply drops our claim).
      ...(gw.deployment?.autoscaling
        ? {}
        : { replicas: (gw.deployment ?? DEFAULT_PROXY_DEPLOYMENT).replicas }),
      // A new proxy is Ready (snapshot applied, listeners open) before an old one is stopped.
      strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      selector: { matchLabels: selector(gw) },
      template: {
        metadata: { labels: labels(gw) },
        spec: {
          serviceAccountName: proxyServiceAccountName(gw.name),
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "proxy",
              image: settings.image,
              command: [...PROXY_COMMAND],
              args: proxyArgs(gw, ports, settings),
              env: proxyEnv(gw),
              ports: [
                ...ports.map((p) => ({ containerPort: p.targetPort, protocol: "TCP" })),
                { name: "admin", containerPort: PROXY_ADMIN_PORT, protocol: "TCP" },
              ],
              readinessProbe: probe("/ready"),
              livenessProbe: { ...probe("/health"), failureThreshold: 6 },
              resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "512Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [
                { name: "stream-token", mountPath: TOKEN_MOUNT_DIR, readOnly: true },
                ...(settings.caBundle !== undefined
                  ? [{ name: "snapshot-ca", mountPath: CA_MOUNT_DIR, readOnly: true }]
                  : []),
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            {
              name: "stream-token",
              projected: {
                defaultMode: 0o440,
                sources: [
                  {
                    serviceAccountToken: {
                      path: "token",
                      audience: SNAPSHOT_TOKEN_AUDIENCE,
                      expirationSeconds: TOKEN_EXPIRATION_SECONDS,
                    },
                  },
                ],
              },
            },
            ...(settings.caBundle !== undefined
              ? [{ name: "snapshot-ca", configMap: { name: caBundleConfigMapName(gw.name) } }]
              : []),
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          ],
        },
      },
    },
  };
}
