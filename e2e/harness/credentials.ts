// What the API server needs to authenticate: a service-account signing key pair (ECDSA P-256,
// fast to generate) and an admin bearer token in group system:masters (static token file).
// Files are written 0600; the token is never logged.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type CredentialFiles = {
  serviceAccountKey: string;
  serviceAccountPub: string;
  tokenAuthFile: string;
};

export const ADMIN_USER = "ai-gateway-admin";

export function credentialFiles(pkiDir: string): CredentialFiles {
  return {
    serviceAccountKey: join(pkiDir, "sa.key"),
    serviceAccountPub: join(pkiDir, "sa.pub"),
    tokenAuthFile: join(pkiDir, "tokens.csv"),
  };
}

/** One line of a kube-apiserver --token-auth-file: token,user,uid,"group,...". */
export function tokenAuthLine(token: string, user: string, groups: string[]): string {
  return `${token},${user},${user},"${groups.join(",")}"\n`;
}

/** Reads the admin token back from a token file written by ensureCredentials. */
export function readAdminToken(files: CredentialFiles): string {
  const first = readFileSync(files.tokenAuthFile, "utf8").split(",")[0];
  if (!first) throw new Error(`no token in ${files.tokenAuthFile}`);
  return first;
}

/** Creates the key pair and admin token unless they exist (a persistent dir keeps them). */
export function ensureCredentials(pkiDir: string): { files: CredentialFiles; token: string } {
  const files = credentialFiles(pkiDir);
  if (!existsSync(files.serviceAccountKey) || !existsSync(files.serviceAccountPub)) {
    const { privateKey, publicKey } = generateKeyPairSync("ec", {
      namedCurve: "prime256v1",
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    writeFileSync(files.serviceAccountKey, privateKey, { mode: 0o600 });
    writeFileSync(files.serviceAccountPub, publicKey, { mode: 0o600 });
  }
  if (!existsSync(files.tokenAuthFile)) {
    const token = randomBytes(32).toString("base64url");
    writeFileSync(files.tokenAuthFile, tokenAuthLine(token, ADMIN_USER, ["system:masters"]), { mode: 0o600 });
  }
  return { files, token: readAdminToken(files) };
}
