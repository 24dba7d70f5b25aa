// The e2e world on a real node: `npm run cluster:up -- --node` in a temp dir, `npm run image`
// loaded into it, the real kubectl and helm from the host through the relayed API server, and
// commands inside the cluster's network namespace through `npm run -s cluster:exec`. Every
// request to a Service comes from inside that namespace (nothing leaves it).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, globSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { binPath, kubectlPath, repoRoot } from "../../scripts/lib/versions.ts";
import { clusterId } from "../../scripts/node/cluster.ts";
import { readSysctls } from "../../scripts/node/host.ts";

export type Run = { code: number; stdout: string; stderr: string; ms: number };

export function run(
  cmd: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {},
): Promise<Run> {
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
      stdio: ["pipe", "pipe", "pipe"],
      timeout: opts.timeoutMs ?? 300_000,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("error", reject);
    child.on("close", (code) =>
      resolveRun({ code: code ?? 1, stdout, stderr, ms: Math.round(performance.now() - started) }),
    );
    child.stdin.on("error", () => {});
    child.stdin.end(opts.input ?? "");
  });
}

function lastLine(text: string): string {
  return text.trimEnd().split("\n").at(-1) ?? "";
}

export type NodeWorld = {
  dir: string;
  kubeconfig: string;
  image: { repository: string; tag: string };
  timings: Record<string, number>;
  kubectl(args: string[], input?: string): Promise<string>;
  kubectlRaw(args: string[], input?: string): Promise<Run>;
  helm(args: string[]): Promise<Run>;
  /** `npm run -s cluster:exec -- <argv>` */
  exec(argv: string[], timeoutMs?: number): Promise<Run>;
  /** Builds the image again with another tag (same content) and imports it. */
  retag(tag: string): Promise<string>;
  down(): Promise<void>;
  /** What the cluster left on the host after down() ([] when nothing). */
  leftovers(): string[];
};

/** Host state a node cluster may touch, to compare before and after. */
function hostFacts(): Record<string, string> {
  return {
    ...readSysctls(),
    "/var/lib/kubelet": String(existsSync("/var/lib/kubelet")),
    "/var/log/containers": String(existsSync("/var/log/containers")),
    "/var/log/pods": String(existsSync("/var/log/pods")),
  };
}

export async function startNodeWorld(): Promise<NodeWorld> {
  const scratch = mkdtempSync(join(tmpdir(), "ai-gateway-node-"));
  const dir = join(scratch, "cluster");
  const before = hostFacts();
  const id = clusterId(dir);
  const leftovers = () => {
    const out: string[] = [];
    if (existsSync(`/run/netns/aigw-${id}`)) out.push(`network namespace aigw-${id}`);
    out.push(...globSync(`/sys/fs/cgroup/*/ai-gateway-node-${id}`));
    if (existsSync(dir)) out.push(dir);
    // Another node cluster (a developer's) may hold the machine-wide sysctls changed until it ends.
    if (!existsSync("/run/ai-gateway-node/clusters")) {
      const after = hostFacts();
      for (const [k, v] of Object.entries(before)) if (after[k] !== v) out.push(`${k}: ${v} -> ${after[k]}`);
    }
    return out;
  };
  const env = { AI_GATEWAY_CLUSTER_DIR: dir };
  const node = process.execPath;
  const timings: Record<string, number> = {};
  const up = await run(node, ["scripts/cluster.ts", "up", "--node"], { env, timeoutMs: 1_800_000 });
  timings.clusterUpMs = up.ms;
  const kubeconfigLine = lastLine(up.stdout);
  const world = {
    async down() {
      const r = await run(node, ["scripts/cluster.ts", "down"], { env });
      rmSync(scratch, { recursive: true, force: true });
      assert.equal(r.code, 0, `cluster:down: ${r.stderr}`);
    },
  };
  if (up.code !== 0 || !kubeconfigLine.startsWith("KUBECONFIG=")) {
    await world.down().catch(() => {});
    assert.fail(`cluster:up --node failed (exit ${up.code}):\n${up.stderr.slice(-4000)}`);
  }
  const kubeconfig = kubeconfigLine.slice("KUBECONFIG=".length);
  const image = async (tag?: string) => {
    const r = await run(node, ["scripts/image.ts", ...(tag ? ["--tag", tag] : [])], {
      env,
      timeoutMs: 900_000,
    });
    assert.equal(r.code, 0, `npm run image: ${r.stderr}`);
    const m = /^IMAGE=(.+):([^:]+)$/.exec(lastLine(r.stdout));
    assert.ok(m?.[1] && m[2], `npm run image printed ${lastLine(r.stdout)}`);
    return { repository: m[1], tag: m[2], ms: r.ms };
  };
  let built: Awaited<ReturnType<typeof image>>;
  try {
    built = await image();
  } catch (err) {
    await world.down().catch(() => {});
    throw err;
  }
  timings.imageMs = built.ms;
  const kenv = { KUBECONFIG: kubeconfig };
  const kubectlRaw = (args: string[], input?: string) =>
    run(kubectlPath(), args, { env: kenv, ...(input !== undefined ? { input } : {}) });
  return {
    dir,
    kubeconfig,
    image: { repository: built.repository, tag: built.tag },
    timings,
    kubectlRaw,
    async kubectl(args, input) {
      const r = await kubectlRaw(args, input);
      assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
      return r.stdout;
    },
    helm: (args) => run(binPath("helm"), args, { env: kenv, timeoutMs: 600_000 }),
    exec: (argv, timeoutMs) =>
      run(node, ["scripts/cluster.ts", "exec", ...argv], { env, timeoutMs: timeoutMs ?? 120_000 }),
    retag: async (tag) => (await image(tag)).tag,
    down: world.down,
    leftovers,
  };
}

/** Node 24 of this checkout, usable inside the namespace (same filesystem). */
export const NODE = process.execPath;
export const CLIENT = join(repoRoot, "e2e", "node", "client.ts");

export type TrafficResult = {
  ok: number;
  failed: number;
  ms: number;
  failures: { at: number; what: string }[];
};

/**
 * Steady traffic from inside the namespace (e2e/node/client.ts steady) until stop() is called;
 * stop() resolves with what it counted.
 */
export function startTraffic(
  world: NodeWorld,
  url: string,
  body: string,
  concurrency = 2,
): { stop(): Promise<TrafficResult> } {
  const stopFile = join(mkdtempSync(join(tmpdir(), "ai-gateway-traffic-")), "stop");
  const running = world.exec([NODE, CLIENT, "steady", url, body, stopFile, String(concurrency)], 900_000);
  return {
    async stop() {
      writeFileSync(stopFile, "");
      const r = await running;
      rmSync(dirname(stopFile), { recursive: true, force: true });
      assert.equal(r.code, 0, `steady client: ${r.stderr}`);
      return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as TrafficResult;
    },
  };
}
