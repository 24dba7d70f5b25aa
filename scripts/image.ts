// `npm run image [-- --tag T]`: the product image, built from this checkout with buildah and no
// registry: FROM scratch + the Node 24 binary of the npm `node` package (its platform package)
// + the glibc libraries it links + /etc/passwd for the non-root uid + the production
// node_modules + the sources (operator, gateway, and the provider simulator for in-cluster tests)
// + Node's compile cache, prewarmed for the proxy's and the operator's flags (NODE_COMPILE_CACHE):
// a process started from the image does not load Node's TypeScript stripper (~23 MiB RSS).
// No shell in the image. The entrypoint is the Dockerfile's: `node operator/src/cli.ts` in /app.
//
// The tag defaults to a hash of the image's content (same sources -> same tag, so a loaded image
// is never re-tagged: containerd's CRI cache would go stale). When a node cluster runs
// (`npm run cluster:up -- --node`, $AI_GATEWAY_CLUSTER_DIR or .cluster/) the image is imported
// into its containerd. Last line: IMAGE=localhost/ai-gateway:<tag>.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  chownSync,
  cpSync,
  globSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { PROXY_NODE_FLAGS } from "../operator/src/edges/proxy-node-options.ts";
import { stripperProbe } from "../operator/src/warm-compile-cache.ts";
import { repoRoot } from "./lib/versions.ts";
import { importImage, nodeRunning } from "./node/cluster.ts";

export const IMAGE_REPOSITORY = "localhost/ai-gateway";
const UID = 65532;
/** Node's compile cache in the image, prewarmed (operator/src/warm-compile-cache.ts). */
export const COMPILE_CACHE = "/app/.compile-cache";
/** Same sources as the Dockerfile's COPY lines (plus the simulator). */
const SOURCES = ["package.json", "operator/src", "gateway/src", "e2e/simulator"];

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** The libraries (and the loader) a dynamic executable links, from ldd. */
export function linkedLibraries(lddOutput: string): string[] {
  const out: string[] = [];
  for (const line of lddOutput.split("\n")) {
    const arrow = /=>\s+(\/\S+)/.exec(line);
    const bare = /^\s*(\/\S+)\s+\(/.exec(line);
    const path = arrow?.[1] ?? bare?.[1];
    if (path) out.push(path);
  }
  return out;
}

/** Top-level directories of the production dependency tree (npm ls --omit=dev). */
function productionModules(): string[] {
  const listed = execFileSync("npm", ["ls", "--omit=dev", "--all", "--parseable"], {
    cwd: repoRoot,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  })
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.includes("/node_modules/"))
    .map((l) => relative(repoRoot, l))
    .sort();
  // Nested node_modules come with their parent's copy.
  return listed.filter((p, i) => !listed.slice(0, i).some((q) => p.startsWith(`${q}/`)));
}

function stage(root: string): void {
  const node = realpathSync(join(repoRoot, "node_modules", "node", "bin", "node"));
  mkdirSync(join(root, "usr/local/bin"), { recursive: true });
  cpSync(node, join(root, "usr/local/bin/node"));
  for (const lib of linkedLibraries(sh("ldd", [node]))) {
    const target = join(root, lib);
    mkdirSync(dirname(target), { recursive: true });
    cpSync(realpathSync(lib), target);
  }
  mkdirSync(join(root, "etc"), { recursive: true });
  writeFileSync(
    join(root, "etc/passwd"),
    `root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:${UID}:${UID}:nonroot:/home/nonroot:/sbin/nologin\n`,
  );
  writeFileSync(join(root, "etc/group"), `root:x:0:\nnonroot:x:${UID}:\n`);
  mkdirSync(join(root, "tmp"), { recursive: true, mode: 0o1777 });
  mkdirSync(join(root, "home/nonroot"), { recursive: true });
  const app = join(root, "app");
  for (const src of SOURCES) {
    cpSync(join(repoRoot, src), join(app, src), {
      recursive: true,
      filter: (from) => !from.endsWith(".test.ts") && !from.includes("/testdata"),
    });
  }
  for (const mod of productionModules()) {
    cpSync(realpathSync(join(repoRoot, mod)), join(app, mod), { recursive: true, verbatimSymlinks: true });
  }
}

/** Run the staged root's Node as the image's uid (chroot), with the image's compile cache; its stdout. */
function nodeInImage(root: string, args: readonly string[]): string {
  return execFileSync(
    "/usr/sbin/chroot", // coreutils; looked up by path: the env below is the chroot's
    [`--userspec=${UID}:${UID}`, root, "/usr/local/bin/node", ...args],
    {
      env: { PATH: "/usr/local/bin", NODE_COMPILE_CACHE: COMPILE_CACHE },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
}

/**
 * Fill the image's compile cache by running the warm script in the staged root, as the image's
 * uid and with each set of flags the image's processes run with: the proxy's (PROXY_NODE_FLAGS,
 * the provisioned pods' command) and none (the operator, the entrypoint alone). Node keys the
 * cache by flags, uid and path, so it is warmed where and as it is read. The cache ends
 * root-owned and read-only: a miss at run time strips as usual. Then fail the build if a proxy
 * started from the image would still load the stripper.
 */
function warmCompileCache(root: string): void {
  const dir = join(root, COMPILE_CACHE);
  chmodSync(root, 0o755); // a mkdtemp directory is 0700: the image's uid could not enter it
  mkdirSync(dir, { recursive: true });
  chownSync(dir, UID, UID);
  for (const flags of [PROXY_NODE_FLAGS, []])
    nodeInImage(root, [...flags, "/app/operator/src/warm-compile-cache.ts"]);
  for (const rel of ["", ...globSync("**/*", { cwd: dir })]) {
    const path = join(dir, rel);
    chownSync(path, 0, 0);
    chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  }
  const probe = stripperProbe(["/app/operator/src/cli.ts", "/app/gateway/src/main.ts"]);
  const loaded = nodeInImage(root, [...PROXY_NODE_FLAGS, "--input-type=module", "-e", probe]);
  if (loaded !== "[]") throw new Error(`the prewarmed compile cache missed: a proxy would load ${loaded}`);
}

/** sha256 over every staged path, mode and content: the default tag. */
function contentHash(root: string): string {
  const h = createHash("sha256");
  for (const rel of globSync("**/*", { cwd: root }).sort()) {
    const st = statSync(join(root, rel));
    h.update(`${rel}\0${st.mode}\0`);
    if (st.isFile()) h.update(readFileSync(join(root, rel)));
  }
  return h.digest("hex").slice(0, 12);
}

function build(root: string, name: string, archive: string): void {
  const ctr = sh("buildah", ["from", "scratch"]);
  try {
    sh("buildah", ["copy", ctr, root, "/"]);
    sh("buildah", [
      "config",
      "--entrypoint",
      JSON.stringify(["node", "operator/src/cli.ts"]),
      "--cmd",
      "",
      "--workingdir",
      "/app",
      "--user",
      `${UID}:${UID}`,
      "--env",
      "PATH=/usr/local/bin",
      "--env",
      "NODE_ENV=production",
      "--env",
      `NODE_COMPILE_CACHE=${COMPILE_CACHE}`,
      "--port",
      "15000",
      "--port",
      "15010",
      "--port",
      "15020",
      "--label",
      "org.opencontainers.image.title=ai-gateway",
      "--label",
      "org.opencontainers.image.licenses=Apache-2.0",
      ctr,
    ]);
    rmSync(archive, { force: true });
    sh("buildah", ["commit", "--quiet", "--format", "oci", ctr, `oci-archive:${archive}:${name}`]);
  } finally {
    sh("buildah", ["rm", ctr]);
  }
}

function clusterDir(): string {
  const fromEnv = process.env.AI_GATEWAY_CLUSTER_DIR;
  return fromEnv && fromEnv !== "" ? resolve(fromEnv) : join(repoRoot, ".cluster");
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tag: { type: "string" } }, strict: true });
  const started = performance.now();
  const root = mkdtempSync(join(tmpdir(), "ai-gateway-image-"));
  try {
    stage(root);
    // The tag hashes the sources, Node and libraries; the compile cache is derived from them (and
    // V8's code cache in it is not byte-for-byte reproducible), so it is added after.
    const tag = values.tag ?? `dev-${contentHash(root)}`;
    warmCompileCache(root);
    const name = `${IMAGE_REPOSITORY}:${tag}`;
    const outDir = join(repoRoot, ".cache", "images");
    mkdirSync(outDir, { recursive: true });
    const archive = join(outDir, `ai-gateway-${tag}.tar`);
    build(root, name, archive);
    const size = (statSync(archive).size / 1024 / 1024).toFixed(0);
    console.error(
      `image: ${name} (${size} MiB) in ${Math.round(performance.now() - started)} ms: ${archive}`,
    );
    const dir = clusterDir();
    if (nodeRunning(dir)) {
      importImage(dir, archive);
      console.error(`image: imported into the node's containerd (${dir})`);
    }
    console.log(`IMAGE=${name}`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(`image: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
