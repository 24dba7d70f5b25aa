// The Helm chart on a real node, as real pods from the locally built image (npm run image):
// install --wait, seed 003 with kubectl only (the simulator in-cluster behind the provider host
// override), what the running containers really are (uid, capabilities, read-only root), the
// chart's own RBAC being enough, and uninstall leaving nothing of ours but the CRDs.
// Requests go to ClusterIPs from inside the cluster's network namespace (cluster:exec).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SEED_003 } from "../fixtures/seed-003.ts";
import { backendToSimulator, SIM_NS, SIM_PORT, simulatorManifests } from "./sim.ts";
import { CLIENT, NODE, type NodeWorld, startNodeWorld, startTraffic, type TrafficResult } from "./world.ts";

const RELEASE = "aigw";
const RELEASE_NS = "ai-gateway-system";
const NS = SEED_003.namespace;
const FIRST_KEY = "sk-node-first-key-0123456789abcdef";
const NEW_KEY = "sk-node-rotated-key-fedcba9876543210";
const CHAT = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] });
const POLL_MS = 120_000;
/** Failed requests allowed per disruption (of a few hundred); measured: see the README. */
const FAILURE_BOUND = 2;

type Answer = { status: number; body: string } | { error: string };

describe("Helm chart on a real node", { timeout: 1_500_000 }, () => {
  let world: NodeWorld | undefined;
  const figures: Record<string, number> = {};
  const disruptions: Record<string, TrafficResult> = {};

  before(async () => {
    world = await startNodeWorld();
    Object.assign(figures, world.timings);
  });

  after(async () => {
    console.log(`node e2e figures (ms): ${JSON.stringify(figures)}`);
    for (const [name, r] of Object.entries(disruptions)) {
      console.log(`failed requests, ${name}: ${r.failed} of ${r.ok + r.failed}`);
    }
    if (!world) return;
    const downStarted = Date.now();
    await world.down();
    console.log(`cluster:down in ${Date.now() - downStarted} ms`);
    assert.deepEqual(world.leftovers(), [], "cluster:down left these on the host");
  });

  function w(): NodeWorld {
    assert.ok(world, "the node world started");
    return world;
  }

  async function client(args: string[]): Promise<Answer> {
    const r = await w().exec([NODE, CLIENT, ...args]);
    assert.equal(r.code, 0, `client ${args.join(" ")}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as Answer;
  }

  async function clusterIp(ns: string, svc: string): Promise<string> {
    return (await w().kubectl(["-n", ns, "get", "service", svc, "-o", "jsonpath={.spec.clusterIP}"])).trim();
  }

  /** Polls `probe` until it returns true; resolves with the delay in ms. */
  async function until(what: string, probe: () => Promise<boolean>): Promise<number> {
    const started = Date.now();
    for (;;) {
      if (await probe()) return Date.now() - started;
      assert.ok(Date.now() - started < POLL_MS, `${what} not seen within ${POLL_MS} ms`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function keySeenBySimulator(simIp: string): Promise<string | undefined> {
    const r = await client(["get", `http://${simIp}:${SIM_PORT}/_sim/requests`]);
    if (!("status" in r) || r.status !== 200) return undefined;
    const requests = JSON.parse(r.body) as { headers: Record<string, string> }[];
    return requests.at(-1)?.headers.authorization;
  }

  it("helm install --wait with the local image: operator pod Ready, GatewayClass Accepted", async () => {
    const { repository, tag } = w().image;
    const r = await w().helm([
      "install",
      RELEASE,
      "charts/ai-gateway",
      "--namespace",
      RELEASE_NS,
      "--create-namespace",
      "--set",
      `image.repository=${repository}`,
      "--set",
      `image.tag=${tag}`,
      "--wait",
      "--timeout",
      "300s",
    ]);
    assert.equal(r.code, 0, `helm install: ${r.stderr}`);
    figures.helmInstallMs = r.ms;
    const ready = await w().kubectl([
      "-n",
      RELEASE_NS,
      "get",
      "pods",
      "-l",
      "app.kubernetes.io/component=operator",
      "-o",
      'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
    ]);
    assert.deepEqual(ready.trim().split("\n"), ["True"]);
    await w().kubectl(["wait", "gatewayclass/agentgateway", "--for=condition=Accepted", "--timeout=60s"]);
  });

  it("seed 003 with kubectl only: Programmed, keyless 200 with the Secret's key, kill switch, rotation", async () => {
    const image = `${w().image.repository}:${w().image.tag}`;
    await w().kubectl(["apply", "-f", "-"], simulatorManifests(image));
    await w().kubectl(["-n", SIM_NS, "rollout", "status", "deployment/llm-simulator", "--timeout=180s"]);
    const simIp = await clusterIp(SIM_NS, "llm-simulator");

    await w().kubectl(["create", "namespace", NS]);
    await w().kubectl([
      "-n",
      NS,
      "create",
      "secret",
      "generic",
      "openai-api-key",
      `--from-literal=apiKey=${FIRST_KEY}`,
    ]);
    await w().kubectl(["apply", "-f", "-"], backendToSimulator());
    const applied = Date.now();
    await w().kubectl(["apply", "-f", "-"], SEED_003.gatewayAndRoute);
    await w().kubectl([
      "-n",
      NS,
      "wait",
      "gateway/llm-gateway",
      "--for=condition=Programmed",
      "--timeout=180s",
    ]);
    figures.programmedMs = Date.now() - applied;

    const gwIp = await clusterIp(NS, "llm-gateway");
    const chat = () => client(["post", `http://${gwIp}/v1/chat/completions`, CHAT]);
    let last: Answer | undefined;
    figures.first200AfterProgrammedMs = await until("a 200 through the Gateway's Service", async () => {
      last = await chat();
      return "status" in last && last.status === 200;
    });
    assert.ok(last && "status" in last);
    assert.match(last.body, /"chat\.completion"/);
    assert.equal(await keySeenBySimulator(simIp), `Bearer ${FIRST_KEY}`);

    const deleted = Date.now();
    await w().kubectl(["-n", NS, "delete", "airoute", "openai-route"]);
    figures.killSwitchMs = await until("404 after the route is deleted", async () => {
      const a = await chat();
      return "status" in a && a.status === 404;
    });
    figures.killSwitchFromDeleteMs = Date.now() - deleted;

    await w().kubectl(["apply", "-f", "-"], SEED_003.route);
    await until("200 after the route is back", async () => {
      const a = await chat();
      return "status" in a && a.status === 200;
    });
    const rotation = await w().kubectl([
      "-n",
      NS,
      "create",
      "secret",
      "generic",
      "openai-api-key",
      `--from-literal=apiKey=${NEW_KEY}`,
      "--dry-run=client",
      "-o",
      "yaml",
    ]);
    await w().kubectl(["apply", "-f", "-"], rotation);
    figures.rotationMs = await until("the new key upstream", async () => {
      const a = await chat();
      return "status" in a && a.status === 200 && (await keySeenBySimulator(simIp)) === `Bearer ${NEW_KEY}`;
    });
    console.log(
      `seed 003 on a node: Programmed ${figures.programmedMs} ms after apply, first 200 ${figures.first200AfterProgrammedMs} ms later, 404 ${figures.killSwitchMs} ms after the route delete, new key upstream ${figures.rotationMs} ms after the Secret update`,
    );
  });

  /** /proc/<pid>/status and the root mount of a running container, read on the node. */
  async function containerFacts(
    ns: string,
    selector: string,
  ): Promise<{ status: string; rootMount: string }[]> {
    const ids = (
      await w().kubectl([
        "-n",
        ns,
        "get",
        "pods",
        "-l",
        selector,
        "-o",
        'jsonpath={range .items[*]}{range .status.containerStatuses[*]}{.containerID}{"\\n"}{end}{end}',
      ])
    )
      .trim()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.replace(/^containerd:\/\//, ""));
    assert.ok(ids.length > 0, `no running container for ${selector} in ${ns}`);
    const out: { status: string; rootMount: string }[] = [];
    for (const id of ids) {
      const inspect = await w().exec(["crictl", "inspect", id]);
      assert.equal(inspect.code, 0, inspect.stderr);
      const pid = (JSON.parse(inspect.stdout) as { info: { pid: number } }).info.pid;
      assert.ok(pid > 0);
      const status = await w().exec(["cat", `/proc/${pid}/status`]);
      const mounts = await w().exec(["cat", `/proc/${pid}/mountinfo`]);
      assert.equal(status.code, 0, status.stderr);
      const root = mounts.stdout.split("\n").find((l) => l.split(" ")[4] === "/");
      assert.ok(root, `no root mount for ${id}`);
      out.push({ status: status.stdout, rootMount: root });
    }
    return out;
  }

  function field(status: string, name: string): string {
    const line = status.split("\n").find((l) => l.startsWith(`${name}:`));
    assert.ok(line, `${name} in /proc/<pid>/status`);
    return line.slice(name.length + 1).trim();
  }

  it("operator and proxy containers run as uid 65532, no capabilities, no new privileges, seccomp, read-only root", async () => {
    const targets: [string, string][] = [
      [RELEASE_NS, "app.kubernetes.io/component=operator"],
      [NS, "app.kubernetes.io/name=ai-gateway-proxy"],
    ];
    for (const [ns, selector] of targets) {
      for (const { status, rootMount } of await containerFacts(ns, selector)) {
        assert.deepEqual(field(status, "Uid").split(/\s+/), ["65532", "65532", "65532", "65532"], selector);
        assert.deepEqual(field(status, "Gid").split(/\s+/), ["65532", "65532", "65532", "65532"], selector);
        for (const cap of ["CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"]) {
          assert.equal(field(status, cap), "0000000000000000", `${selector} ${cap}`);
        }
        assert.equal(field(status, "NoNewPrivs"), "1", selector);
        assert.equal(field(status, "Seccomp"), "2", `${selector}: seccomp filter mode`);
        assert.match(rootMount.split(" ")[5] ?? "", /^ro(,|$)/, `${selector}: root mount ${rootMount}`);
      }
    }
  });

  it("the operator runs with the chart's RBAC only (no cluster-admin)", async () => {
    const sa = `system:serviceaccount:${RELEASE_NS}:${RELEASE}-ai-gateway`;
    const all = await w().kubectlRaw(["auth", "can-i", "*", "*", "--all-namespaces", `--as=${sa}`]);
    assert.equal(all.stdout.trim(), "no");
    const bindings = JSON.parse(await w().kubectl(["get", "clusterrolebindings", "-o", "json"])) as {
      items: { roleRef: { name: string }; subjects?: { kind: string; name: string; namespace?: string }[] }[];
    };
    const ours = bindings.items.filter((b) =>
      (b.subjects ?? []).some((s) => s.kind === "ServiceAccount" && s.namespace === RELEASE_NS),
    );
    assert.ok(ours.length > 0);
    for (const b of ours) assert.notEqual(b.roleRef.name, "cluster-admin");
    // It did everything above with those rights: Programmed status, provisioned proxies.
    const status = await w().kubectl([
      "-n",
      NS,
      "get",
      "gateway",
      "llm-gateway",
      "-o",
      'jsonpath={.status.conditions[?(@.type=="Programmed")].status}',
    ]);
    assert.equal(status.trim(), "True");
  });

  /** Ready replicas of a Deployment, and whether its rollout is complete. */
  async function rolledOut(ns: string, name: string, replicas: number): Promise<boolean> {
    const d = JSON.parse(await w().kubectl(["-n", ns, "get", "deployment", name, "-o", "json"])) as {
      metadata: { generation: number };
      spec: { replicas: number };
      status: {
        observedGeneration?: number;
        readyReplicas?: number;
        updatedReplicas?: number;
        replicas?: number;
      };
    };
    const s = d.status;
    return (
      d.spec.replicas === replicas &&
      s.observedGeneration === d.metadata.generation &&
      s.readyReplicas === replicas &&
      s.updatedReplicas === replicas &&
      s.replicas === replicas
    );
  }

  /** Runs `disrupt` under steady traffic through the Gateway's Service; returns the counts. */
  async function underTraffic(name: string, disrupt: () => Promise<void>): Promise<TrafficResult> {
    const gwIp = await clusterIp(NS, "llm-gateway");
    const traffic = startTraffic(w(), `http://${gwIp}/v1/chat/completions`, CHAT, 2);
    await new Promise((r) => setTimeout(r, 3_000));
    let result: TrafficResult;
    try {
      await disrupt();
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      result = await traffic.stop();
    }
    disruptions[name] = result;
    console.log(
      `under traffic, ${name}: ${result.ok} ok, ${result.failed} failed in ${result.ms} ms${result.failed > 0 ? ` ${JSON.stringify(result.failures.slice(0, 5))}` : ""}`,
    );
    return result;
  }

  // One operator replica: with more, the standbys are never Ready by design (only the leader is),
  // so `helm --wait` and a maxUnavailable: 0 rollout of the operator could not complete.
  it("two proxies per Gateway from an AgentgatewayParameters, with a PodDisruptionBudget", async () => {
    await w().kubectl(
      ["apply", "-f", "-"],
      `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayParameters
metadata:
  name: two-proxies
  namespace: ${NS}
spec:
  replicas: 2
`,
    );
    await w().kubectl([
      "-n",
      NS,
      "patch",
      "gateway",
      "llm-gateway",
      "--type=merge",
      "-p",
      JSON.stringify({
        spec: {
          infrastructure: {
            parametersRef: { group: "agentgateway.dev", kind: "AgentgatewayParameters", name: "two-proxies" },
          },
        },
      }),
    ]);
    figures.twoProxiesReadyMs = await until("two ready proxies", () => rolledOut(NS, "llm-gateway", 2));
    const pdb = JSON.parse(
      await w().kubectl(["-n", NS, "get", "poddisruptionbudget", "llm-gateway", "-o", "json"]),
    ) as { spec: { maxUnavailable: number }; status: { expectedPods?: number } };
    assert.equal(pdb.spec.maxUnavailable, 1, "the chart's default, from the GatewayClass's parameters");
    await until("the PDB counts both proxies", async () => {
      const s = JSON.parse(await w().kubectl(["-n", NS, "get", "pdb", "llm-gateway", "-o", "json"])) as {
        status: { expectedPods?: number; disruptionsAllowed?: number };
      };
      return s.status.expectedPods === 2 && s.status.disruptionsAllowed === 1;
    });
  });

  it(`steady traffic loses at most ${FAILURE_BOUND} requests when a proxy pod is deleted`, async () => {
    const pods = (
      await w().kubectl([
        "-n",
        NS,
        "get",
        "pods",
        "-l",
        "app.kubernetes.io/name=ai-gateway-proxy",
        "-o",
        "jsonpath={.items[*].metadata.name}",
      ])
    )
      .trim()
      .split(" ");
    assert.equal(pods.length, 2);
    const result = await underTraffic("proxy pod deleted", async () => {
      await w().kubectl(["-n", NS, "delete", "pod", pods[0] ?? "", "--wait=true", "--timeout=120s"]);
      await until("two ready proxies again", () => rolledOut(NS, "llm-gateway", 2));
    });
    assert.ok(result.ok > 0);
    assert.ok(result.failed <= FAILURE_BOUND, `${result.failed} failed requests`);
  });

  it(`steady traffic loses at most ${FAILURE_BOUND} requests when the operator leader pod is deleted`, async () => {
    const holder = (
      await w().kubectl([
        "-n",
        RELEASE_NS,
        "get",
        "lease",
        "ai-gateway-operator",
        "-o",
        "jsonpath={.spec.holderIdentity}",
      ])
    ).trim();
    const leaderPod = holder.split("_")[0] ?? "";
    assert.ok(leaderPod !== "", `lease holder ${holder}`);
    const result = await underTraffic("operator leader deleted", async () => {
      await w().kubectl(["-n", RELEASE_NS, "delete", "pod", leaderPod, "--wait=true", "--timeout=120s"]);
      await until("a new leader", async () => {
        const now = await w().kubectl([
          "-n",
          RELEASE_NS,
          "get",
          "lease",
          "ai-gateway-operator",
          "-o",
          "jsonpath={.spec.holderIdentity}",
        ]);
        return now.trim() !== "" && !now.startsWith(`${leaderPod}_`);
      });
    });
    assert.ok(result.ok > 0);
    assert.ok(result.failed <= FAILURE_BOUND, `${result.failed} failed requests`);
  });

  it(`steady traffic loses at most ${FAILURE_BOUND} requests through a helm upgrade that changes the image tag`, async () => {
    const newTag = await w().retag(`${w().image.tag}-b`);
    const result = await underTraffic("helm upgrade (new image tag)", async () => {
      const r = await w().helm([
        "upgrade",
        RELEASE,
        "charts/ai-gateway",
        "--namespace",
        RELEASE_NS,
        "--reuse-values",
        "--set",
        `image.tag=${newTag}`,
        "--wait",
        "--timeout",
        "300s",
      ]);
      assert.equal(r.code, 0, `helm upgrade: ${r.stderr}`);
      await until("proxies on the new image", async () => {
        const images = await w().kubectl([
          "-n",
          NS,
          "get",
          "pods",
          "-l",
          "app.kubernetes.io/name=ai-gateway-proxy",
          "-o",
          'jsonpath={range .items[*]}{.spec.containers[0].image}{"\\n"}{end}',
        ]);
        const all = images.trim().split("\n");
        return (
          all.length === 2 &&
          all.every((i) => i.endsWith(`:${newTag}`)) &&
          (await rolledOut(NS, "llm-gateway", 2))
        );
      });
    });
    assert.ok(result.ok > 0);
    assert.ok(result.failed <= FAILURE_BOUND, `${result.failed} failed requests`);
  });

  it("helm uninstall leaves no pod, Deployment, Service or Secret of ours but the operator CA; the CRDs stay", async () => {
    // The user's own objects go first (the proxies are garbage-collected with their Gateway).
    await w().kubectl(["delete", "namespace", NS, "--wait=true", "--timeout=180s"]);
    const r = await w().helm([
      "uninstall",
      RELEASE,
      "--namespace",
      RELEASE_NS,
      "--wait",
      "--timeout",
      "180s",
    ]);
    assert.equal(r.code, 0, `helm uninstall: ${r.stderr}`);
    await until("nothing of ours left", async () => {
      let left = "";
      for (const selector of [
        "app.kubernetes.io/part-of=ai-gateway",
        "app.kubernetes.io/managed-by=ai-gateway-operator",
      ]) {
        left += await w().kubectl([
          "get",
          "pods,deployments,services,secrets,serviceaccounts,configmaps",
          "--all-namespaces",
          "-l",
          selector,
          "-o",
          "name",
        ]);
      }
      const inRelease = await w().kubectl([
        "-n",
        RELEASE_NS,
        "get",
        "pods,deployments,services,secrets",
        "-o",
        "name",
      ]);
      // the operator's CA stays, like the CRDs: a reinstall keeps the CA running proxies trust
      const CA = "secret/ai-gateway-ca";
      const rest = (text: string) =>
        text
          .split("\n")
          .map((l) => l.trim())
          .filter((l) => l !== "" && l !== CA);
      return rest(left).length === 0 && rest(inRelease).length === 0;
    });
    const ca = await w().kubectl(["-n", RELEASE_NS, "get", "secret", "ai-gateway-ca", "-o", "name"]);
    assert.equal(ca.trim(), "secret/ai-gateway-ca", "the operator CA Secret is kept");
    const crds = await w().kubectl(["get", "crds", "-o", "name"]);
    assert.match(crds, /airoutes\.agentgateway\.dev/);
    assert.match(crds, /agentgatewaybackends\.agentgateway\.dev/);
  });
});
