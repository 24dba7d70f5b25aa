// The Helm chart on a real node, as real pods from the locally built image (npm run image):
// install --wait, seed 003 with kubectl only (the simulator in-cluster behind the provider host
// override), what the running containers really are (uid, capabilities, read-only root), the
// chart's own RBAC being enough, and uninstall leaving nothing of ours but the CRDs.
// Requests go to ClusterIPs from inside the cluster's network namespace (cluster:exec).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SEED_003 } from "../fixtures/seed-003.ts";
import { backendToSimulator, SIM_NS, SIM_PORT, simulatorManifests } from "./sim.ts";
import { CLIENT, NODE, type NodeWorld, startNodeWorld } from "./world.ts";

const RELEASE = "aigw";
const RELEASE_NS = "ai-gateway-system";
const NS = SEED_003.namespace;
const FIRST_KEY = "sk-node-first-key-0123456789abcdef";
const NEW_KEY = "sk-node-rotated-key-fedcba9876543210";
const CHAT = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hello" }] });
const POLL_MS = 60_000;

type Answer = { status: number; body: string } | { error: string };

describe("Helm chart on a real node", { timeout: 1_500_000 }, () => {
  let world: NodeWorld | undefined;
  const figures: Record<string, number> = {};

  before(async () => {
    world = await startNodeWorld();
    Object.assign(figures, world.timings);
  });

  after(async () => {
    console.log(`node e2e figures (ms): ${JSON.stringify(figures)}`);
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

  it("helm uninstall leaves no pod, Deployment, Service or Secret of ours; the CRDs stay", async () => {
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
      return left.trim() === "" && inRelease.trim() === "";
    });
    const crds = await w().kubectl(["get", "crds", "-o", "name"]);
    assert.match(crds, /airoutes\.agentgateway\.dev/);
    assert.match(crds, /agentgatewaybackends\.agentgateway\.dev/);
  });
});
