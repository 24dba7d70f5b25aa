// The Helm chart with the real helm: lint, template goldens (UPDATE_GOLDEN=1 rewrites them), the
// values schema, least-privilege RBAC and hardening of what it renders; then install, upgrade and
// uninstall against a real kube-apiserver (every object admitted by server-side validation), RBAC
// checked with `kubectl auth can-i` as the chart's ServiceAccount, and the real operator, running
// as that ServiceAccount, accepting the chart's GatewayClass.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { chartGenerators } from "../../charts/ai-gateway/gen.ts";
import { AgentgatewayParameters } from "../../operator/src/api/agentgateway-parameters.ts";
import { goldenUpdateRequested } from "../../scripts/lib/golden-update.ts";
import { repoRoot } from "../../scripts/lib/versions.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { environmentSkip } from "../harness/environment-skip.ts";
import { eventually } from "../harness/eventually.ts";
import { freePort } from "../harness/free-port.ts";
import { writeKubeconfig } from "../harness/kubeconfig.ts";
import { CLI_PATH, startCli } from "./cli-process.ts";
import {
  CHART_DIR,
  createHelm,
  findManifest,
  type Helm,
  type Manifest,
  NAMESPACE,
  parseManifests,
  RELEASE,
} from "./helm.ts";
import { monitoringCrds } from "./monitoring-crds.ts";

const HA_VALUES = join(CHART_DIR, "testdata", "ha-monitoring.values.yaml");
const GOLDENS = [
  { name: "default", args: [] as string[] },
  { name: "ha-monitoring", args: ["-f", HA_VALUES] },
];
const SA = `system:serviceaccount:${NAMESPACE}:${RELEASE}`;

async function template(helm: Helm, args: string[]): Promise<string> {
  const r = await helm.run(["template", RELEASE, CHART_DIR, "--namespace", NAMESPACE, ...args]);
  assert.equal(r.code, 0, `helm template ${args.join(" ")} failed:\n${r.stderr}`);
  return r.stdout;
}

/** Goldens show the dashboards by file name: their JSON is checked against the files separately. */
function normalizeDashboards(rendered: string): string {
  return rendered.replace(/^( {2}([\w.-]+\.json): )\|-\n(?: {4}.*\n)+/gm, '$1"<dashboards/$2>"\n');
}

function spec(m: Manifest): Record<string, unknown> {
  return m.spec as Record<string, unknown>;
}

type Rule = { apiGroups?: string[]; resources?: string[]; resourceNames?: string[]; verbs: string[] };
type Container = {
  args: string[];
  ports: { name: string; containerPort: number }[];
  livenessProbe: { httpGet: { path: string; port: string } };
  readinessProbe: { httpGet: { path: string; port: string } };
  securityContext: Record<string, unknown>;
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
};

function operatorContainer(all: Manifest[]): Container {
  const dep = findManifest(all, "Deployment", RELEASE);
  const podSpec = (spec(dep).template as { spec: { containers: Container[] } }).spec;
  const c = podSpec.containers[0];
  assert.ok(c, "operator container");
  return c;
}

function rulesOf(m: Manifest): Rule[] {
  return (m as unknown as { rules: Rule[] }).rules;
}

const flagsIn = (text: string) => [...text.matchAll(/(--[a-z][a-z-]*)/g)].map((m) => m[1] ?? "");

/**
 * Flags of `ai-gateway operator`: those docs/cli.md documents, plus those the real CLI's --help
 * lists (when it runs), so a flag the chart passes is one the binary really has.
 */
async function operatorFlags(): Promise<Set<string>> {
  const doc = readFileSync(join(repoRoot, "docs", "cli.md"), "utf8");
  const section = doc.split("## `ai-gateway operator`")[1]?.split("\n## ")[0] ?? "";
  const flags = new Set(flagsIn(section));
  const r = spawnSync(process.execPath, [CLI_PATH, "operator", "--help"], {
    encoding: "utf8",
    timeout: 30_000,
  });
  assert.equal(r.status, 0, `ai-gateway operator --help failed: ${r.stderr}`);
  for (const f of flagsIn(r.stdout)) flags.add(f);
  return flags;
}

describe("chart: lint, templates, schema", () => {
  let helm: Helm;
  before(() => {
    helm = createHelm();
  });
  after(() => helm.cleanup());

  test("helm lint --strict passes with default and HA/monitoring values", async () => {
    for (const args of [[], ["-f", HA_VALUES]]) {
      const r = await helm.run(["lint", "--strict", CHART_DIR, ...args]);
      assert.equal(r.code, 0, `helm lint ${args.join(" ")}:\n${r.stdout}\n${r.stderr}`);
    }
  });

  for (const golden of GOLDENS) {
    test(`helm template matches testdata/${golden.name}.golden.yaml`, async () => {
      const rendered = await template(helm, golden.args);
      const got = normalizeDashboards(rendered);
      const path = join(CHART_DIR, "testdata", `${golden.name}.golden.yaml`);
      if (goldenUpdateRequested()) writeFileSync(path, got);
      assert.equal(got, readFileSync(path, "utf8"), `stale golden: UPDATE_GOLDEN=1 to rewrite ${path}`);
    });
  }

  test("generated chart files (dashboards JSON, CRD copies) are fresh", async () => {
    for (const gen of chartGenerators()) {
      const want = await gen.render();
      assert.equal(
        readFileSync(join(repoRoot, gen.path), "utf8"),
        want,
        `${gen.path} is stale: run npm run gen`,
      );
    }
    const repoCrds = readdirSync(join(repoRoot, "crds")).filter((f) => f.endsWith(".yaml"));
    const chartCrds = readdirSync(join(CHART_DIR, "crds")).filter((f) => f.endsWith(".yaml"));
    assert.deepEqual(chartCrds.sort(), repoCrds.sort(), "charts/ai-gateway/crds mirrors crds/");
  });

  test("values.schema.json rejects bad values", async () => {
    const bad: [string, RegExp][] = [
      ["operator.replicas=0", /replicas/],
      ["operator.replicas=two", /replicas/],
      ["image.pullPolicy=Sometimes", /pullPolicy/],
      ["operator.logLevel=verbose", /logLevel/],
      ["operator.snapshotPort=70000", /snapshotPort/],
      ["gatewayClass.name=Not_A_Name", /gatewayClass/],
      ["operator.securityContext.runAsNonRoot=false", /runAsNonRoot/],
      ["operator.securityContext.allowPrivilegeEscalation=true", /allowPrivilegeEscalation/],
      ["rbac.gatewayNamespaces={Team_A}", /gatewayNamespaces/],
      ["service.type=ExternalName", /service/],
      ["operator.extraArgs={provision}", /extraArgs/],
      ["image.digest=latest", /digest/],
      ["surprise=1", /surprise|additional/],
      ["operator.surprise=1", /surprise|additional/],
      ["proxy.redis.url=http://redis:6379", /redis/],
      ["proxy.workers=65", /workers/],
    ];
    for (const [set, why] of bad) {
      const r = await helm.run(["template", RELEASE, CHART_DIR, "--namespace", NAMESPACE, "--set", set]);
      assert.notEqual(r.code, 0, `--set ${set} must be rejected`);
      assert.match(r.stderr, /schema/, `--set ${set}: a schema error, got:\n${r.stderr}`);
      assert.match(r.stderr, why, `--set ${set}: names the bad field, got:\n${r.stderr}`);
    }
  });

  test("proxy.redis and proxy.workers reach the GatewayClass's AgentgatewayParameters, and validate there", async () => {
    const objs = parseManifests(
      await template(helm, [
        "--set",
        "proxy.redis.url=rediss://redis.shared:6380",
        "--set",
        "proxy.redis.existingSecret=redis-auth",
        "--set",
        "proxy.workers=0",
      ]),
    );
    const params = objs.find((m) => m.kind === "AgentgatewayParameters") as unknown as {
      spec: Record<string, unknown>;
    };
    assert.ok(params, "the chart renders its AgentgatewayParameters");
    assert.deepEqual(params.spec.redis, {
      url: "rediss://redis.shared:6380",
      passwordSecretRef: { name: "redis-auth", key: "password" },
    });
    assert.equal(params.spec.workers, 0);
    AgentgatewayParameters.parse(params);
    const plain = parseManifests(await template(helm, []));
    const none = plain.find((m) => m.kind === "AgentgatewayParameters") as unknown as {
      spec: Record<string, unknown>;
    };
    assert.equal(none.spec.redis, undefined);
    assert.equal(none.spec.workers, undefined);
  });

  test("combinations that cannot work fail rendering with a reason", async () => {
    const cases: [string[], RegExp][] = [
      [["operator.replicas=2", "operator.leaderElection.enabled=false"], /requires operator\.leaderElection/],
      [["operator.snapshotPort=15020"], /must differ/],
      [["serviceAccount.create=false"], /serviceAccount\.name is required/],
    ];
    for (const [sets, why] of cases) {
      const r = await helm.run([
        "template",
        RELEASE,
        CHART_DIR,
        "--namespace",
        NAMESPACE,
        ...sets.flatMap((s) => ["--set", s]),
      ]);
      assert.notEqual(r.code, 0, `${sets.join(" ")} must fail`);
      assert.match(r.stderr, why);
    }
  });

  test("operator Deployment: documented flags, probes on the admin port, hardened, resources", async () => {
    const all = parseManifests(await template(helm, []));
    const c = operatorContainer(all);
    const flags = await operatorFlags();
    assert.equal(c.args[0], "operator");
    for (const arg of c.args.slice(1)) {
      const flag = arg.split("=")[0] ?? "";
      assert.ok(flags.has(flag), `${flag} is neither in docs/cli.md nor in \`operator --help\``);
    }
    for (const want of [
      "--snapshot-port=15010",
      "--admin-port=15020",
      "--bind=0.0.0.0",
      "--controller-name=agentgateway.dev/ai-gateway",
      "--provision",
      "--leader-elect",
      "--namespace=$(POD_NAMESPACE)",
      "--control-plane-url=https://ai-gateway.ai-gateway-system.svc:15010",
    ]) {
      assert.ok(c.args.includes(want), `args include ${want}: ${c.args.join(" ")}`);
    }
    assert.ok(!c.args.some((a) => a.startsWith("--token-file")), "no shared stream token");
    assert.deepEqual(
      c.ports.map((p) => [p.name, p.containerPort]),
      [
        ["snapshot", 15010],
        ["admin", 15020],
      ],
    );
    assert.deepEqual(c.livenessProbe.httpGet, { path: "/healthz", port: "admin" });
    assert.deepEqual(c.readinessProbe.httpGet, { path: "/readyz", port: "admin" });
    assert.equal(c.securityContext.runAsNonRoot, true);
    assert.equal(c.securityContext.runAsUser, 65532);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
    assert.deepEqual(c.securityContext.seccompProfile, { type: "RuntimeDefault" });
    assert.ok(c.resources.requests?.cpu && c.resources.requests.memory && c.resources.limits?.memory);
    const svc = findManifest(all, "Service", RELEASE);
    assert.deepEqual(
      (spec(svc).ports as { name: string; port: number }[]).map((p) => [p.name, p.port]),
      [
        ["snapshot", 15010],
        ["admin", 15020],
      ],
    );
    const gc = findManifest(all, "GatewayClass", "agentgateway");
    assert.equal(spec(gc).controllerName, "agentgateway.dev/ai-gateway");
    const pdb = findManifest(all, "PodDisruptionBudget", RELEASE);
    assert.equal(spec(pdb).maxUnavailable, 1);
  });

  test("RBAC is least privilege: reads cluster-wide, status via /status, writes only where needed", async () => {
    for (const args of [[], ["-f", HA_VALUES]]) {
      const all = parseManifests(await template(helm, args));
      const roles = all.filter((m) => m.kind === "ClusterRole" || m.kind === "Role");
      for (const role of roles) {
        for (const rule of rulesOf(role)) {
          for (const field of [rule.apiGroups ?? [], rule.resources ?? [], rule.verbs]) {
            assert.ok(!field.includes("*"), `${role.metadata.name}: no wildcards`);
          }
          for (const verb of ["escalate", "bind", "impersonate", "deletecollection"]) {
            assert.ok(!rule.verbs.includes(verb), `${role.metadata.name}: no ${verb}`);
          }
        }
      }
      const main = rulesOf(findManifest(all, "ClusterRole", RELEASE));
      const writes = ["create", "update", "patch", "delete"];
      for (const rule of main) {
        const written = rule.verbs.filter((v) => writes.includes(v));
        if (written.length === 0) continue;
        for (const r of rule.resources ?? []) {
          assert.ok(
            r.endsWith("/status") || r === "events" || r === "tokenreviews",
            `main ClusterRole writes only status, events and TokenReviews, got ${r}`,
          );
        }
        if (rule.resources?.every((r) => r.endsWith("/status")))
          assert.deepEqual(rule.verbs, ["update", "patch"]);
      }
      const provisioner = rulesOf(findManifest(all, "ClusterRole", `${RELEASE}-provisioner`));
      const provisioned = new Set(provisioner.flatMap((r) => r.resources ?? []));
      const secretRules = provisioner.filter((r) => r.resources?.includes("secrets"));
      assert.deepEqual(
        secretRules.map((r) => r.verbs),
        [["delete"]],
        "Secrets: delete only (legacy token copies)",
      );
      assert.deepEqual([...provisioned].sort(), [
        "configmaps",
        "deployments",
        "gateways/finalizers",
        "horizontalpodautoscalers",
        "poddisruptionbudgets",
        "secrets",
        "serviceaccounts",
        "services",
      ]);
      // the CA Secret: create (not limitable by name) and get/update of ai-gateway-ca only
      const ca = rulesOf(findManifest(all, "Role", `${RELEASE}-ca`));
      for (const rule of ca) {
        assert.deepEqual(rule.resources, ["secrets"]);
        if (!rule.verbs.includes("create")) assert.deepEqual(rule.resourceNames, ["ai-gateway-ca"]);
        else assert.deepEqual(rule.verbs, ["create"]);
      }
      const lease = rulesOf(findManifest(all, "Role", `${RELEASE}-leader-election`));
      for (const rule of lease) {
        assert.deepEqual(rule.resources, ["leases"]);
        if (!rule.verbs.includes("create")) assert.deepEqual(rule.resourceNames, ["ai-gateway-operator"]);
      }
      assert.ok(
        !all.some((m) => m.kind === "ClusterRole" && rulesOf(m).some((r) => r.resources?.includes("leases"))),
      );
    }
    const ha = parseManifests(await template(helm, ["-f", HA_VALUES]));
    const bindings = ha.filter(
      (m) => m.metadata.name === `${RELEASE}-provisioner` && m.kind.endsWith("Binding"),
    );
    assert.deepEqual(
      bindings.map((b) => `${b.kind}/${b.metadata.namespace}`),
      ["RoleBinding/team-a", "RoleBinding/team-b"],
      "with gatewayNamespaces the provisioner role is bound only there",
    );
    const noProvision = parseManifests(await template(helm, ["--set", "operator.provision.enabled=false"]));
    assert.ok(!noProvision.some((m) => m.metadata.name === `${RELEASE}-provisioner`));
    assert.ok(operatorContainer(noProvision).args.includes("--no-provision"));
  });

  test("no shared stream token: no Secret, no token volume; proxies are checked with TokenReview", async () => {
    const all = parseManifests(await template(helm, []));
    assert.ok(!all.some((m) => m.kind === "Secret"), "the chart renders no Secret");
    const dep = findManifest(all, "Deployment", RELEASE);
    assert.doesNotMatch(JSON.stringify(dep), /secretName|stream-token/);
    const rules = rulesOf(findManifest(all, "ClusterRole", RELEASE));
    assert.ok(
      rules.some(
        (r) =>
          r.apiGroups?.includes("authentication.k8s.io") &&
          r.resources?.includes("tokenreviews") &&
          r.verbs.join() === "create",
      ),
      "tokenreviews: create",
    );
    const schema = JSON.parse(readFileSync(join(CHART_DIR, "values.schema.json"), "utf8"));
    assert.equal(schema.properties.streamToken, undefined);
  });

  test("dashboards ConfigMap embeds the generated dashboards, labelled for the Grafana sidecar", async () => {
    const all = parseManifests(await template(helm, []));
    const cm = findManifest(all, "ConfigMap", `${RELEASE}-dashboards`);
    assert.equal((cm.metadata.labels as Record<string, string>).grafana_dashboard, "1");
    const data = cm.data as Record<string, string>;
    const files = readdirSync(join(CHART_DIR, "dashboards")).filter((f) => f.endsWith(".json"));
    assert.deepEqual(Object.keys(data).sort(), files.sort());
    for (const f of files) {
      assert.deepEqual(
        JSON.parse(data[f] ?? ""),
        JSON.parse(readFileSync(join(CHART_DIR, "dashboards", f), "utf8")),
      );
    }
    const off = parseManifests(
      await template(helm, ["--set", "dashboards.enabled=false", "--set", "gatewayClass.create=false"]),
    );
    assert.ok(!off.some((m) => m.kind === "ConfigMap" || m.kind === "GatewayClass"));
    const monitors = parseManifests(await template(helm, ["-f", HA_VALUES]));
    assert.deepEqual(
      monitors.filter((m) => m.apiVersion === "monitoring.coreos.com/v1").map((m) => m.kind),
      ["PodMonitor", "ServiceMonitor"],
    );
    assert.ok(!all.some((m) => m.apiVersion === "monitoring.coreos.com/v1"), "monitors are off by default");
  });
});

describe("chart: install, upgrade, uninstall on a real API server", () => {
  let helm: Helm;
  let cp: ControlPlane;
  let tmp: string;
  let monitoring: ReturnType<typeof monitoringCrds>;

  const kubectl = async (args: string[], input?: string) => {
    const r = await cp.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const canI = async (args: string[]): Promise<boolean> => {
    const r = await cp.kubectl(["auth", "can-i", `--as=${SA}`, ...args]);
    return r.stdout.trim() === "yes";
  };

  before(async () => {
    helm = createHelm();
    tmp = mkdtempSync(join(tmpdir(), "ai-gateway-chart-"));
    cp = await startControlPlane();
    monitoring = monitoringCrds();
    if ("files" in monitoring) {
      for (const f of monitoring.files) await kubectl(["apply", "--server-side", "-f", f]);
      await kubectl(["wait", "--for=condition=Established", "crd/podmonitors.monitoring.coreos.com"]);
      await kubectl(["wait", "--for=condition=Established", "crd/servicemonitors.monitoring.coreos.com"]);
    }
    for (const ns of ["team-a", "team-b", "team-c", "monitoring"]) await kubectl(["create", "namespace", ns]);
  });
  after(async () => {
    await cp?.stop();
    helm?.cleanup();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test("helm install: every object is admitted, the GatewayClass exists, no Secret is made", async () => {
    const r = await helm.run(
      ["install", RELEASE, CHART_DIR, "--namespace", NAMESPACE, "--create-namespace", "--wait=false"],
      { kubeconfigPath: cp.kubeconfigPath },
    );
    assert.equal(r.code, 0, `helm install:\n${r.stderr}`);
    assert.match(r.stdout, /STATUS: deployed/);
    assert.match(r.stdout, /GatewayClass "agentgateway"/);
    assert.doesNotMatch(r.stdout, /WARNING/, "our own CRDs are not reported as foreign");
    const secrets = await kubectl(["get", "secrets", "-n", NAMESPACE, "-o", "name"]);
    assert.doesNotMatch(secrets, new RegExp(`secret/${RELEASE}-token`), "no shared stream token Secret");
    const manifest = await helm.run(["get", "manifest", RELEASE, "--namespace", NAMESPACE], {
      kubeconfigPath: cp.kubeconfigPath,
    });
    for (const m of parseManifests(manifest.stdout)) {
      const ns = m.metadata.namespace ? ["-n", m.metadata.namespace] : [];
      const kind = m.apiVersion.includes("/") ? `${m.kind}.${m.apiVersion.split("/")[0]}` : m.kind;
      await kubectl(["get", kind, m.metadata.name, ...ns, "-o", "name"]);
    }
    const gc = JSON.parse(await kubectl(["get", "gatewayclass", "agentgateway", "-o", "json"]));
    assert.equal(gc.spec.controllerName, "agentgateway.dev/ai-gateway");
  });

  test("the ServiceAccount may read cluster-wide and write status, never the objects themselves", async () => {
    assert.equal(await canI(["list", "gateways.gateway.networking.k8s.io", "-A"]), true);
    assert.equal(await canI(["watch", "airoutes.agentgateway.dev", "-A"]), true);
    assert.equal(await canI(["watch", "agentgatewaybackends.agentgateway.dev", "-A"]), true);
    assert.equal(await canI(["list", "referencegrants.gateway.networking.k8s.io", "-A"]), true);
    assert.equal(await canI(["get", "secrets", "-n", "team-c"]), true);
    assert.equal(
      await canI(["patch", "gateways.gateway.networking.k8s.io", "--subresource=status", "-n", "team-a"]),
      true,
    );
    assert.equal(
      await canI(["update", "gatewayclasses.gateway.networking.k8s.io", "--subresource=status"]),
      true,
    );
    assert.equal(
      await canI(["patch", "airoutes.agentgateway.dev", "--subresource=status", "-n", "team-a"]),
      true,
    );
    assert.equal(await canI(["patch", "gateways.gateway.networking.k8s.io", "-n", "team-a"]), false);
    assert.equal(await canI(["delete", "gatewayclasses.gateway.networking.k8s.io"]), false);
    assert.equal(await canI(["update", "airoutes.agentgateway.dev", "-n", "team-a"]), false);
    assert.equal(await canI(["create", "clusterroles"]), false);
    assert.equal(await canI(["create", "pods", "-n", "team-a"]), false);
    assert.equal(await canI(["create", "events", "-n", "team-a"]), true);
    assert.equal(await canI(["create", "leases.coordination.k8s.io", "-n", NAMESPACE]), true);
    assert.equal(
      await canI(["update", "leases.coordination.k8s.io/ai-gateway-operator", "-n", NAMESPACE]),
      true,
    );
    assert.equal(await canI(["update", "leases.coordination.k8s.io/someone-else", "-n", NAMESPACE]), false);
    assert.equal(await canI(["create", "leases.coordination.k8s.io", "-n", "team-a"]), false);
    // Provisioning with no gatewayNamespaces: proxies may live in any namespace.
    assert.equal(await canI(["create", "deployments.apps", "-n", "team-c"]), true);
    assert.equal(await canI(["create", "secrets", "-n", "team-c"]), false, "no Secret is written");
    assert.equal(await canI(["delete", "secrets", "-n", "team-c"]), true, "leftover token Secrets");
    assert.equal(await canI(["create", "tokenreviews.authentication.k8s.io"]), true);
  });

  test("helm upgrade to 2 replicas and gatewayNamespaces narrows provisioning", async () => {
    const r = await helm.run(
      [
        "upgrade",
        RELEASE,
        CHART_DIR,
        "--namespace",
        NAMESPACE,
        "-f",
        HA_VALUES,
        "--set",
        "monitoring.operator.enabled=false",
        "--set",
        "monitoring.proxies.enabled=false",
      ],
      { kubeconfigPath: cp.kubeconfigPath },
    );
    assert.equal(r.code, 0, `helm upgrade:\n${r.stderr}`);
    const dep = JSON.parse(await kubectl(["get", "deployment", RELEASE, "-n", NAMESPACE, "-o", "json"]));
    assert.equal(dep.spec.replicas, 2);
    await kubectl(["get", "configmap", `${RELEASE}-dashboards`, "-n", "monitoring"]);
    assert.equal(await canI(["create", "deployments.apps", "-n", "team-a"]), true);
    assert.equal(await canI(["delete", "secrets", "-n", "team-b"]), true);
    assert.equal(await canI(["create", "deployments.apps", "-n", "team-c"]), false);
    assert.equal(await canI(["delete", "secrets", "-n", "team-c"]), false);
    assert.equal(await canI(["get", "secrets", "-n", "team-c"]), true, "reads stay cluster-wide");
  });

  test("PodMonitor and ServiceMonitor are admitted by the Prometheus Operator CRDs", async (t) => {
    if ("unavailable" in monitoring) {
      t.skip(
        environmentSkip(`Prometheus Operator CRDs unavailable (${monitoring.unavailable})`) || undefined,
      );
      return;
    }
    const r = await helm.run(["upgrade", RELEASE, CHART_DIR, "--namespace", NAMESPACE, "-f", HA_VALUES], {
      kubeconfigPath: cp.kubeconfigPath,
    });
    assert.equal(r.code, 0, `helm upgrade with monitors:\n${r.stderr}`);
    await kubectl(["get", "servicemonitor", `${RELEASE}-operator`, "-n", NAMESPACE]);
    await kubectl(["get", "podmonitor", `${RELEASE}-proxies`, "-n", NAMESPACE]);
  });

  test("the operator, as the chart's ServiceAccount, accepts the chart's GatewayClass", async (_t) => {
    const token = (await kubectl(["create", "token", RELEASE, "-n", NAMESPACE, "--duration=1h"])).trim();
    const kubeconfigPath = join(tmp, "operator.kubeconfig");
    writeKubeconfig(kubeconfigPath, { contextName: "operator", server: cp.server, caPem: cp.caPem, token });
    const [snapshotPort, adminPort] = [await freePort(), await freePort()];
    // The Deployment's own args, rendered for a local process: no provisioning (no kubelet), no
    // Lease, free ports, $(POD_NAMESPACE) expanded as the kubelet would.
    const rendered = parseManifests(
      await template(helm, [
        "--set",
        "operator.provision.enabled=false",
        "--set",
        "operator.leaderElection.enabled=false",
        "--set",
        `operator.snapshotPort=${snapshotPort}`,
        "--set",
        `operator.adminPort=${adminPort}`,
      ]),
    );
    const args = operatorContainer(rendered).args.map((a) => a.replace("$(POD_NAMESPACE)", NAMESPACE));
    assert.ok(args.includes("--no-provision") && args.includes("--no-leader-elect"));
    const operator = startCli({
      name: "operator",
      args: [...args, "--bind=127.0.0.1"],
      logPath: join(tmp, "operator.log"),
      env: { KUBECONFIG: kubeconfigPath, POD_NAMESPACE: NAMESPACE },
    });
    try {
      await operator.waitHttpOk(`http://127.0.0.1:${adminPort}/healthz`);
      await eventually(
        async () => {
          const gc = JSON.parse(await kubectl(["get", "gatewayclass", "agentgateway", "-o", "json"]));
          const accepted = (gc.status?.conditions ?? []).find((c: { type: string }) => c.type === "Accepted");
          assert.equal(accepted?.status, "True", `Accepted: ${JSON.stringify(gc.status)}`);
          assert.equal(accepted.observedGeneration, gc.metadata.generation);
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      const log = readFileSync(operator.logPath, "utf8");
      assert.ok(!log.includes(token), "the ServiceAccount token is not logged");
    } finally {
      await operator.stop();
    }
  });

  test("helm uninstall removes every object; CRDs stay (Helm never deletes CRDs)", async () => {
    const manifest = await helm.run(["get", "manifest", RELEASE, "--namespace", NAMESPACE], {
      kubeconfigPath: cp.kubeconfigPath,
    });
    const objects = parseManifests(manifest.stdout);
    const r = await helm.run(["uninstall", RELEASE, "--namespace", NAMESPACE, "--wait"], {
      kubeconfigPath: cp.kubeconfigPath,
    });
    assert.equal(r.code, 0, `helm uninstall:\n${r.stderr}`);
    for (const m of objects) {
      const ns = m.metadata.namespace ? ["-n", m.metadata.namespace] : [];
      const kind = m.apiVersion.includes("/") ? `${m.kind}.${m.apiVersion.split("/")[0]}` : m.kind;
      await eventually(async () => {
        const got = await cp.kubectl(["get", kind, m.metadata.name, ...ns, "-o", "name"]);
        assert.match(got.stderr, /NotFound/, `${kind} ${m.metadata.name} is gone`);
      });
    }
    await kubectl(["get", "crd", "gatewayclasses.gateway.networking.k8s.io"]);
  });
});
