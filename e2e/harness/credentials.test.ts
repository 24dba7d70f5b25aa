import assert from "node:assert/strict";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "yaml";
import { ensureCredentials, tokenAuthLine } from "./credentials.ts";
import { renderKubeconfig } from "./kubeconfig.ts";

const dir = mkdtempSync(join(tmpdir(), "ai-gateway-creds-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("credentials", () => {
  it("writes an EC key pair and a system:masters token file, owner-only", () => {
    const { files, token } = ensureCredentials(dir);
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(
      readFileSync(files.tokenAuthFile, "utf8"),
      `${token},ai-gateway-admin,ai-gateway-admin,"system:masters"\n`,
    );
    const key = createPrivateKey(readFileSync(files.serviceAccountKey));
    assert.equal(key.asymmetricKeyType, "ec");
    const pub = createPublicKey(readFileSync(files.serviceAccountPub));
    assert.deepEqual(pub.export({ format: "jwk" }), createPublicKey(key).export({ format: "jwk" }));
    for (const f of Object.values(files))
      assert.equal(statSync(f).mode & 0o077, 0, `${f} is readable by others`);
  });

  it("keeps existing credentials (a persistent dir restarts with the same token and keys)", () => {
    const first = ensureCredentials(dir);
    const key = readFileSync(first.files.serviceAccountKey, "utf8");
    const second = ensureCredentials(dir);
    assert.equal(second.token, first.token);
    assert.equal(readFileSync(second.files.serviceAccountKey, "utf8"), key);
  });

  it("formats groups in the token file's quoted column", () => {
    assert.equal(tokenAuthLine("t", "u", ["a", "b"]), 't,u,u,"a,b"\n');
  });
});

describe("kubeconfig", () => {
  it("has one cluster with the CA, one token user and the current context", () => {
    const text = renderKubeconfig({
      contextName: "ctx",
      server: "https://127.0.0.1:1234",
      caPem: "PEM",
      token: "tok",
    });
    const cfg = parse(text);
    assert.equal(cfg["current-context"], "ctx");
    assert.deepEqual(cfg.clusters, [
      { name: "ctx", cluster: { server: "https://127.0.0.1:1234", "certificate-authority-data": "UEVN" } },
    ]);
    assert.deepEqual(cfg.users, [{ name: "ai-gateway-admin", user: { token: "tok" } }]);
    assert.deepEqual(cfg.contexts, [
      { name: "ctx", context: { cluster: "ctx", user: "ai-gateway-admin", namespace: "default" } },
    ]);
  });
});
