// Throwaway certificates for TLS tests, made with the openssl CLI (a system package the project's
// scripts install): a CA (EC P-256, quick to make) and leaf certificates it signs, valid one day.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

function openssl(dir: string, args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
  assert.equal(r.status, 0, `openssl ${args[0]}: ${r.stderr}`);
}

export interface Leaf {
  /** File stem: <name>.pem and <name>.key. */
  name: string;
  cn: string;
  /** x509 extensions, e.g. "subjectAltName=DNS:sim.test,IP:127.0.0.1" or "extendedKeyUsage=clientAuth". */
  ext: string;
}

/** In `dir`: <ca>.pem/.key and, signed by it, <leaf>.pem/.key for every leaf. */
export function makePki(dir: string, ca: string, leaves: readonly Leaf[]): void {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    `${ca}.key`,
    "-out",
    `${ca}.pem`,
    "-days",
    "1",
    "-subj",
    `/CN=${ca}`,
  ]);
  for (const l of leaves) {
    openssl(dir, ["req", ...ec, "-keyout", `${l.name}.key`, "-out", `${l.name}.csr`, "-subj", `/CN=${l.cn}`]);
    writeFileSync(join(dir, `${l.name}.cnf`), `${l.ext}\n`);
    openssl(dir, [
      "x509",
      "-req",
      "-in",
      `${l.name}.csr`,
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${l.name}.pem`,
      "-days",
      "1",
      "-extfile",
      `${l.name}.cnf`,
    ]);
  }
}

/** Reader of the PEM files of `dir`. */
export const pemReader =
  (dir: string) =>
  (file: string): string =>
    readFileSync(join(dir, file), "utf8");
