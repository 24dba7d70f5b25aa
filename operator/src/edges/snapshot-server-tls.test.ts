// The snapshot server over TLS (operator CA): plain HTTP and clients trusting another CA get no
// snapshot; a client trusting the operator CA does; a new serving certificate from a rotated CA is
// used for new connections while open streams stay up.
import assert from "node:assert/strict";
import http from "node:http";
import https from "node:https";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../../gateway/src/log.ts";
import { SnapshotClient } from "../../../gateway/src/snapshot/client.ts";
import type { GatewayConfig } from "../../../gateway/src/snapshot/schema.ts";
import { createOperatorMetrics } from "../metrics.ts";
import { type CaPem, createCa, issueServingCert, serviceDnsNames } from "./ca.ts";
import { SnapshotServer } from "./snapshot-server.ts";

const TOKEN = "unit-test-token-of-ns-gw";
const config: GatewayConfig = {
  schemaVersion: 1,
  gateway: { namespace: "ns", name: "gw" },
  listeners: [{ name: "http", port: 80, protocol: "HTTP" }],
  routes: [],
  backends: [],
};
const headers = { authorization: `Bearer ${TOKEN}`, "x-proxy-id": "p1" };
const NAMES = serviceDnsNames("ai-gateway-operator", "sys");

interface Opened {
  status: number;
  body: () => string;
  closed: Promise<void>;
  close: () => void;
}

function open(port: number, ca: string, servername = "ai-gateway-operator.sys.svc"): Promise<Opened> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: "127.0.0.1", port, path: "/v1/snapshots/ns/gw", headers, ca, servername });
    req.on("error", reject);
    req.on("response", (res) => {
      let buf = "";
      res.on("data", (c: Buffer) => {
        buf += c.toString();
      });
      const closed = new Promise<void>((r) => res.on("close", () => r()));
      resolve({ status: res.statusCode ?? 0, body: () => buf, closed, close: () => req.destroy() });
    });
  });
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check());
};

describe("SnapshotServer over TLS", () => {
  let caA: CaPem;
  let caB: CaPem;
  let server: SnapshotServer;
  let port = 0;

  before(async () => {
    const now = new Date();
    caA = await createCa(now);
    caB = await createCa(now);
    const serving = await issueServingCert(caA, NAMES, now);
    server = new SnapshotServer({
      authenticate: async (token) =>
        token === TOKEN ? { username: "system:serviceaccount:ns:gw" } : undefined,
      log: createLogger({ level: "silent" }),
      metrics: createOperatorMetrics(),
      onDataPlaneChange: () => {},
      epoch: () => 0,
      tls: { cert: serving.certPem, key: serving.keyPem },
    });
    port = await server.listen(0, "127.0.0.1");
    server.setServing(true);
    server.publish({ "ns/gw": { ...config, backends: [] } });
  });
  after(() => server.close());

  it("a plain-HTTP client gets no snapshot", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const req = http.get({ host: "127.0.0.1", port, path: "/v1/snapshots/ns/gw", headers });
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
    assert.doesNotMatch(outcome, /snapshot|schemaVersion/, outcome);
    assert.doesNotMatch(outcome, /^status 200/, outcome);
  });

  it("a client trusting another CA, or asking for a name not in the certificate, is refused", async () => {
    await assert.rejects(open(port, caB.certPem), /self-signed|unable to verify|certificate/i);
    await assert.rejects(open(port, caA.certPem, "evil.example"), /altnames|Hostname/i);
  });

  it("a client trusting the operator CA gets its snapshot; a rotated serving certificate keeps the stream and serves new connections", async () => {
    const s = await open(port, caA.certPem);
    assert.equal(s.status, 200);
    await until(() => s.body().includes('"type":"snapshot"'));

    const fromB = await issueServingCert(caB, NAMES, new Date());
    server.setTls({ cert: fromB.certPem, key: fromB.keyPem });
    const bundle = `${caB.certPem}\n${caA.certPem}\n`;
    const s2 = await open(port, bundle);
    assert.equal(s2.status, 200);
    await until(() => s2.body().includes('"type":"snapshot"'));
    await assert.rejects(open(port, caA.certPem), /self-signed|unable to verify|certificate/i);

    server.publish({ "ns/gw": { ...config, listeners: [{ name: "http", port: 81, protocol: "HTTP" }] } });
    await until(() => s.body().split('"type":"snapshot"').length === 3);
    s.close();
    s2.close();
    await Promise.all([s.closed, s2.closed]);
  });

  it("TLS does not replace authentication: a verified connection without a token is 401 (the certificate also names 127.0.0.1)", async () => {
    const res = await new Promise<number>((resolve, reject) => {
      https
        .get(
          {
            host: "127.0.0.1",
            port,
            path: "/v1/snapshots/ns/gw",
            ca: `${caB.certPem}\n${caA.certPem}`,
            headers: {},
          },
          (r) => {
            r.resume();
            resolve(r.statusCode ?? 0);
          },
        )
        .on("error", reject);
    });
    assert.equal(res, 401);
  });

  it("the proxy's snapshot client refuses the operator until its CA file trusts it, then gets its snapshot (CA re-read on reconnect)", async () => {
    const logged: string[] = [];
    let trusted: string;
    const applied: unknown[] = [];
    const serving = await issueServingCert(caA, NAMES, new Date());
    server.setTls({ cert: serving.certPem, key: serving.keyPem });
    trusted = caB.certPem;
    const client = new SnapshotClient({
      baseUrl: `https://localhost:${port}`,
      gateway: { namespace: "ns", name: "gw" },
      token: TOKEN,
      proxyId: "p-tls",
      ca: () => trusted,
      apply: (raw) => {
        applied.push(raw);
        return { accepted: true, version: 1, hash: "h" };
      },
      log: createLogger({ level: "info", destination: { write: (l: string) => void logged.push(l) } }),
      backoff: { baseMs: 20, maxMs: 50 },
    });
    client.start();
    try {
      await until(() => logged.some((l) => l.includes("does not verify against the snapshot CA")));
      assert.equal(applied.length, 0);
      assert.equal(client.connected, false);
      trusted = caA.certPem;
      await until(() => client.connected && applied.length > 0);
    } finally {
      await client.close();
    }
  });
});
