// A minimal single-layer OCI image archive from a few local files (the node's pause and CoreDNS
// images: one static binary each), for `ctr images import`. No registry, no builder needed.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export type OciFile = { src: string; dest: string; mode: number };

function sha256(data: Buffer): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function blob(layoutDir: string, data: Buffer): { digest: string; size: number } {
  const digest = sha256(data);
  writeFileSync(join(layoutDir, "blobs", "sha256", digest.slice(7)), data);
  return { digest, size: data.length };
}

/** Writes an OCI archive (tar of an image layout) holding `files`, named `name` (repo:tag). */
export function writeOciArchive(opts: {
  name: string;
  files: OciFile[];
  entrypoint: string[];
  user: string;
  out: string;
}): void {
  const work = mkdtempSync(join(tmpdir(), "ai-gateway-oci-"));
  try {
    const rootfs = join(work, "rootfs");
    for (const f of opts.files) {
      const target = join(rootfs, f.dest);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(f.src, target);
      chmodSync(target, f.mode);
    }
    const layoutDir = join(work, "layout");
    mkdirSync(join(layoutDir, "blobs", "sha256"), { recursive: true });
    const layerTar = join(work, "layer.tar");
    execFileSync("tar", [
      "--numeric-owner",
      "--owner=0",
      "--group=0",
      "--mtime=@0",
      "--sort=name",
      "-C",
      rootfs,
      "-cf",
      layerTar,
      ".",
    ]);
    const layer = blob(layoutDir, readFileSync(layerTar));
    const config = blob(
      layoutDir,
      Buffer.from(
        JSON.stringify({
          architecture: "amd64",
          os: "linux",
          config: { Entrypoint: opts.entrypoint, User: opts.user, WorkingDir: "/" },
          rootfs: { type: "layers", diff_ids: [layer.digest] },
        }),
      ),
    );
    const manifest = blob(
      layoutDir,
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: { mediaType: "application/vnd.oci.image.config.v1+json", ...config },
          layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", ...layer }],
        }),
      ),
    );
    writeFileSync(join(layoutDir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
    writeFileSync(
      join(layoutDir, "index.json"),
      JSON.stringify({
        schemaVersion: 2,
        manifests: [
          {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            ...manifest,
            platform: { architecture: "amd64", os: "linux" },
            annotations: {
              "io.containerd.image.name": opts.name,
              "org.opencontainers.image.ref.name": opts.name.slice(opts.name.lastIndexOf(":") + 1),
            },
          },
        ],
      }),
    );
    execFileSync("tar", ["--numeric-owner", "-C", layoutDir, "-cf", opts.out, "."]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
