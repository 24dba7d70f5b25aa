import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../../gateway/src/log.ts";
import type { GatewayConfig } from "../../../gateway/src/snapshot/schema.ts";
import { createOperatorMetrics } from "../metrics.ts";
import { SnapshotServer } from "./snapshot-server.ts";

const TOKEN = "unit-test-token-of-ns-gw";
const OTHER_TOKEN = "unit-test-token-of-ns-other";
/** A fake TokenReview (the real one is tested in proxy-auth.test.ts and in e2e). */
const IDENTITIES: Record<string, string> = {
  [TOKEN]: "system:serviceaccount:ns:gw",
  [OTHER_TOKEN]: "system:serviceaccount:ns:other",
};
const CREDENTIAL = "sk-unit-credential-never-logged";
const config: GatewayConfig = {
  schemaVersion: 1,
  gateway: { namespace: "ns", name: "gw" },
  listeners: [{ name: "http", port: 80, protocol: "HTTP" }],
  routes: [],
  backends: [
    {
      ref: "ns/b",
      namespace: "ns",
      name: "b",
      groups: [
        [
          {
            name: "default",
            kind: "openai",
            host: "api.example",
            port: 443,
            tls: true,
            auth: {
              mode: "inject",
              header: "authorization",
              prefix: "Bearer ",
              credential: CREDENTIAL,
              source: "inline",
            },
          },
        ],
      ],
    },
  ],
};

interface Line {
  type: string;
  snapshot?: { version: number; hash: string };
}

/** Opens a stream; resolves with the status and a reader of the lines received so far. */
function open(base: string, headers: Record<string, string>) {
  return new Promise<{ status: number; lines: Line[]; closed: Promise<void>; close: () => void }>(
    (resolve, reject) => {
      const req = http.get(`${base}/v1/snapshots/ns/gw`, { headers });
      req.on("error", reject);
      req.on("response", (res) => {
        const lines: Line[] = [];
        let buf = "";
        const closed = new Promise<void>((r) => res.on("close", () => r()));
        res.on("data", (c: Buffer) => {
          buf += c.toString();
          const parts = buf.split("\n");
          buf = parts.pop() ?? "";
          for (const p of parts) if (p) lines.push(JSON.parse(p) as Line);
        });
        resolve({ status: res.statusCode ?? 0, lines, closed, close: () => req.destroy() });
      });
    },
  );
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check());
};

describe("SnapshotServer", () => {
  const logged: string[] = [];
  const log = createLogger({ level: "debug", destination: { write: (s: string) => void logged.push(s) } });
  const metrics = createOperatorMetrics();
  let changes = 0;
  const server = new SnapshotServer({
    authenticate: async (token) => {
      if (token === "review-fails") throw new Error("TokenReview: connection refused");
      const username = IDENTITIES[token];
      return username ? { username } : undefined;
    },
    log,
    metrics,
    onDataPlaneChange: () => void changes++,
    pingIntervalMs: 50,
    epoch: () => 0,
  });
  let base = "";
  const auth = { authorization: `Bearer ${TOKEN}`, "x-proxy-id": "p1" };

  before(async () => {
    base = `http://127.0.0.1:${await server.listen(0, "127.0.0.1")}`;
    server.setServing(true);
  });
  after(() => server.close());

  it("answers 401 OpenAI-style without the right token, 400 without a proxy id", async () => {
    for (const headers of [{}, { authorization: "Bearer nope" }, { authorization: TOKEN }]) {
      const res = await fetch(`${base}/v1/snapshots/ns/gw`, { headers });
      assert.equal(res.status, 401);
      assert.deepEqual(
        ((await res.json()) as { error: { type: string } }).error.type,
        "authentication_error",
      );
    }
    const acks = await fetch(`${base}/v1/acks`, { method: "POST", body: "{}" });
    assert.equal(acks.status, 401);
    const noId = await fetch(`${base}/v1/snapshots/ns/gw`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(noId.status, 400);
  });

  it("sends the current snapshot, then new versions only on change, with pings; acks feed the data plane", async () => {
    server.publish({ "ns/gw": config });
    const s = await open(base, auth);
    assert.equal(s.status, 200);
    await until(() => s.lines.some((l) => l.type === "snapshot"));
    const first = s.lines.find((l) => l.type === "snapshot")?.snapshot;
    assert.equal(first?.version, 1);
    server.publish({ "ns/gw": config });
    server.publish({ "ns/gw": { ...config, listeners: [{ name: "http", port: 81, protocol: "HTTP" }] } });
    await until(() => s.lines.filter((l) => l.type === "snapshot").length === 2);
    await until(() => s.lines.some((l) => l.type === "ping"));
    const second = s.lines.filter((l) => l.type === "snapshot")[1]?.snapshot;
    assert.equal(second?.version, 2);
    assert.deepEqual(server.store.dataPlane()["ns/gw"], { connectedProxies: 1 });

    const before = changes;
    const ack = await fetch(`${base}/v1/acks`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        gateway: "ns/gw",
        proxyId: "p1",
        version: 2,
        hash: second?.hash,
        accepted: true,
      }),
    });
    assert.equal(ack.status, 204);
    assert.ok(changes > before);
    assert.equal(server.store.dataPlane()["ns/gw"]?.ackedListeners?.[0]?.port, 81);
    assert.match(
      await metrics.registry.metrics(),
      /ai_gateway_operator_acks_total\{gateway="ns\/gw",result="accepted"\} 1/,
    );
    s.close();
    await s.closed;
    await until(() => server.store.dataPlane()["ns/gw"]?.connectedProxies === 0);
  });

  it("serves a proxy only its own Gateway: another Gateway's token gets 403, its acks change nothing", async () => {
    server.publish({ "ns/gw": config, "ns/other": config });
    const res = await fetch(`${base}/v1/snapshots/ns/gw`, {
      headers: { authorization: `Bearer ${OTHER_TOKEN}`, "x-proxy-id": "intruder" },
    });
    assert.equal(res.status, 403);
    const body = (await res.json()) as { error: { type: string; code: string; message: string } };
    assert.equal(body.error.code, "forbidden");
    assert.match(body.error.message, /system:serviceaccount:ns:other may not read Gateway ns\/gw/);

    const s = await open(base, auth);
    await until(() => s.lines.some((l) => l.type === "snapshot"));
    const snap = s.lines.find((l) => l.type === "snapshot")?.snapshot;
    const before = JSON.stringify(server.store.dataPlane()["ns/gw"]);
    const forged = await fetch(`${base}/v1/acks`, {
      method: "POST",
      headers: { authorization: `Bearer ${OTHER_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({
        gateway: "ns/gw",
        proxyId: "p1",
        version: snap?.version,
        hash: snap?.hash,
        accepted: true,
      }),
    });
    assert.equal(forged.status, 403);
    assert.equal(JSON.stringify(server.store.dataPlane()["ns/gw"]), before);

    const unavailable = await fetch(`${base}/v1/snapshots/ns/gw`, {
      headers: { authorization: "Bearer review-fails", "x-proxy-id": "p9" },
    });
    assert.equal(unavailable.status, 503);
    await unavailable.body?.cancel();
    s.close();
    await s.closed;
  });

  it("when it stops serving (lost leadership) it closes streams and answers 503", async () => {
    const s = await open(base, auth);
    await until(() => s.lines.length > 0);
    server.setServing(false);
    await s.closed;
    const res = await fetch(`${base}/v1/snapshots/ns/gw`, { headers: auth });
    assert.equal(res.status, 503);
    await res.body?.cancel();
    server.setServing(true);
  });

  it("never logs a credential or the token", () => {
    const text = logged.join("");
    assert.ok(text.includes("proxy subscribed"));
    assert.equal(text.includes(CREDENTIAL), false);
    assert.equal(text.includes(TOKEN), false);
    assert.equal(text.includes(OTHER_TOKEN), false);
    assert.ok(text.includes("subscription refused"));
    assert.ok(text.includes("token review failed"));
    assert.equal(text.includes("review-fails"), false, "not even a token whose review failed");
  });
});
