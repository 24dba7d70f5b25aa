// The snapshot channel over TLS against the real API server: the operator (--snapshot-tls) makes
// its CA in the Secret ai-gateway-ca of its namespace and serves from it. Plain HTTP gets no
// snapshot, a client trusting another CA is refused, the proxy's stream client with the published
// bundle gets its snapshot, and a forced CA rotation (--ca-validity 60s) keeps it connected.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../gateway/src/log.ts";
import { caFileReader } from "../../gateway/src/snapshot/ca-file.ts";
import { SnapshotClient } from "../../gateway/src/snapshot/client.ts";
import { createCa, splitPem } from "../../operator/src/edges/ca.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { GATEWAY_CLASS_YAML, gatewayYaml } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { proxyToken } from "./proxy-token.ts";

const NS = "ai-gateway-system";
const GATEWAY = gatewayYaml("team");

describe("operator e2e: TLS on the snapshot channel", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;
  let token = "";
  const dir = mkdtempSync(join(tmpdir(), "aigw-snapshot-tls-"));
  const bundleFile = join(dir, "ca.crt");
  let httpsUrl = "";

  before(async () => {
    cp = await startControlPlane();
    assert.equal((await cp.kubectl(["create", "namespace", NS])).code, 0);
    assert.equal((await cp.kubectl(["create", "namespace", "team"])).code, 0);
    await cp.apply(GATEWAY_CLASS_YAML);
    await cp.apply(GATEWAY);
    token = await proxyToken(cp, "team", "gw");
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      namespace: NS,
      extraArgs: ["--snapshot-tls", "--ca-validity", "60s", "--ca-bundle-file", bundleFile],
    });
    httpsUrl = op.snapshotUrl.replace(/^http:/, "https:");
  });

  after(async () => {
    await op?.stop();
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the CA is in the Secret ai-gateway-ca of the operator's namespace, and its bundle in the file", async () => {
    const r = await cp.kubectl(["get", "secret", "ai-gateway-ca", "-n", NS, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const secret = JSON.parse(r.stdout) as { type: string; data: Record<string, string> };
    assert.equal(secret.type, "kubernetes.io/tls");
    const crt = Buffer.from(secret.data["tls.crt"] ?? "", "base64").toString();
    assert.ok(new X509Certificate(crt).ca);
    assert.ok(readFileSync(bundleFile, "utf8").includes(crt.trim()));
    assert.doesNotMatch(op.output(), /PRIVATE KEY/);
  });

  it("a plain-HTTP connection to the snapshot port gets no snapshot", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get(`${op.snapshotUrl}/v1/snapshots/team/gw`, {
        headers: { authorization: `Bearer ${token}`, "x-proxy-id": "plain" },
      });
      req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
      req.on("error", (err) => resolve(`error: ${err.message}`));
      req.on("response", (res) => {
        let body = "";
        res.on("data", (c: Buffer) => {
          body += c.toString();
        });
        res.on("end", () => resolve(`status ${res.statusCode}: ${body}`));
      });
    });
    assert.doesNotMatch(outcome, /snapshot|schemaVersion|^status 200/, outcome);
  });

  it("a client trusting another CA is refused; the published bundle gets the snapshot and survives a CA rotation", async () => {
    const foreign = await createCa(new Date());
    const logged: string[] = [];
    const mk = (ca: () => string, id: string, applied: unknown[]) =>
      new SnapshotClient({
        baseUrl: httpsUrl,
        gateway: { namespace: "team", name: "gw" },
        token,
        proxyId: id,
        ca,
        apply: (raw) => {
          applied.push(raw);
          const v = (raw as { version?: number }).version ?? 0;
          return { accepted: true, version: v, hash: (raw as { hash?: string }).hash ?? "" };
        },
        log: createLogger({ level: "info", destination: { write: (l: string) => void logged.push(l) } }),
        backoff: { baseMs: 200, maxMs: 1000 },
      });
    const refusedApplied: unknown[] = [];
    const refused = mk(() => foreign.certPem, "foreign", refusedApplied);
    const applied: unknown[] = [];
    const proxy = mk(caFileReader(bundleFile), "trusted", applied);
    refused.start();
    proxy.start();
    try {
      await eventually(
        () => assert.ok(logged.some((l) => l.includes("does not verify against the snapshot CA"))),
        {
          timeoutMs: 30_000,
        },
      );
      await eventually(() => assert.ok(proxy.connected && applied.length > 0), { timeoutMs: 60_000 });
      assert.equal(refusedApplied.length, 0);
      assert.equal(refused.connected, false);

      const first = readFileSync(bundleFile, "utf8");
      // 60 s CA: rotated once under 20 s remain; the bundle then holds old + new.
      await eventually(() => assert.equal(splitPem(readFileSync(bundleFile, "utf8")).length, 2), {
        timeoutMs: 90_000,
      });
      assert.ok(readFileSync(bundleFile, "utf8").includes(splitPem(first)[0] ?? "missing"));
      // New connections are served from the new CA and verify with the re-read bundle.
      const afterApplied: unknown[] = [];
      const fresh = mk(caFileReader(bundleFile), "fresh", afterApplied);
      fresh.start();
      await eventually(() => assert.ok(fresh.connected && afterApplied.length > 0), { timeoutMs: 30_000 });
      await fresh.close();
      await eventually(() => assert.ok(proxy.connected), { timeoutMs: 30_000 });
    } finally {
      await refused.close();
      await proxy.close();
    }
  });
});
