// The snapshot stream client against a tiny server implementing gateway/src/snapshot/protocol.ts
// (the real operator is tested on its own): acks and rejections with reasons, last good kept after
// a bad snapshot, rejections in metrics, reconnect after a dropped stream or missed pings, and the
// last good snapshot served while the operator is gone.
import assert from "node:assert/strict";
import type http from "node:http";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { eventually, LOOPBACK, metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";
import { TinyStreamServer } from "./tiny-stream-server.ts";

const TOKEN = "stream-token-4b2d9e";
const PING_MS = 100;
const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };

describe("proxy: snapshot stream client", () => {
  let sim: Simulator;
  let server: TinyStreamServer;
  let world: ProxyWorld;
  let good: ReturnType<typeof snapshot>;

  const serves = async () => {
    const res = await postJson(`${world.base}/v1/chat/completions`, CHAT);
    await res.text();
    return res.status === 200;
  };

  before(async () => {
    sim = await startSimulator({ chunks: 2 });
    server = new TinyStreamServer(TOKEN, PING_MS);
    const url = await server.listen();
    good = snapshot({
      backends: [backend("openai", [[provider(sim.url, "openai")]])],
      routes: [route("chat", ["openai"])],
    });
    server.current = good;
    world = await startProxyWorld({
      controlPlane: url,
      token: TOKEN,
      proxyId: "proxy-under-test",
      stream: { pingIntervalMs: PING_MS, backoff: { baseMs: 20, maxMs: 100 } },
    });
  });
  after(async () => {
    await world?.close();
    await server?.close();
    await sim?.close();
  });

  it("subscribes with its token and proxy id, applies the snapshot and acks it", async () => {
    await eventually(() => server.acks.length >= 1, "the first ack");
    assert.deepEqual(server.acks[0], {
      gateway: "ai/gw",
      proxyId: "proxy-under-test",
      version: good.version,
      hash: good.hash,
      accepted: true,
      // acked once the snapshot's listener ports are bound
      listeners: [{ port: 80, open: true }],
    });
    assert.equal(server.subscriptions[0]?.proxyId, "proxy-under-test");
    await eventually(() => world.proxy.listenerPort(80) !== undefined, "the listener to open");
    world.base = `http://${LOOPBACK}:${world.proxy.listenerPort(80)}`;
    assert.equal((await fetch(`${world.admin}/ready`)).status, 200);
    assert.equal(await serves(), true);
  });

  it("rejects a bad snapshot with a reason, keeps the last good one, shows it in metrics", async () => {
    const acks = server.acks.length;
    server.push({ ...good, version: good.version + 1, schemaVersion: 2 });
    await eventually(() => server.acks.length > acks, "the rejection");
    const reject = server.acks.at(-1);
    assert.equal(reject?.accepted, false);
    assert.equal(reject?.version, good.version + 1);
    assert.match(reject?.reason ?? "", /unsupported schemaVersion 2/);

    const dangling = {
      ...good,
      version: good.version + 2,
      routes: [{ ...good.routes[0], backends: [{ backend: "ai/gone", weight: 1 }] }],
    };
    server.push(dangling);
    await eventually(() => server.acks.length > acks + 1, "the second rejection");
    assert.match(server.acks.at(-1)?.reason ?? "", /unknown backend ai\/gone/);

    assert.equal(world.proxy.version(), good.version, "the last good snapshot is still served");
    assert.equal(await serves(), true);
    const m = await world.metrics();
    assert.equal(
      metricSum(m, "ai_gateway_snapshot_reloads_total", { gateway: "ai/gw", result: "rejected" }),
      2,
    );
    assert.equal(metricSum(m, "ai_gateway_snapshot_version", { gateway: "ai/gw" }), good.version);
  });

  it("reconnects after the stream drops and takes the next snapshot", async () => {
    const subs = server.subscriptions.length;
    const next = snapshot({
      backends: [backend("openai", [[provider(sim.url, "openai")]])],
      routes: [
        route("chat", ["openai"]),
        route("extra", ["openai"], { match: { path: { type: "Exact", value: "/x" } } }),
      ],
    });
    server.current = next;
    server.dropAll();
    await eventually(() => server.subscriptions.length > subs, "a new subscription");
    await eventually(() => world.proxy.version() === next.version, "the new snapshot");
    await eventually(() => server.acks.at(-1)?.version === next.version, "its ack");
    assert.equal(server.acks.at(-1)?.accepted, true);
  });

  it("reconnects when pings stop (3 missed intervals)", async () => {
    const subs = server.subscriptions.length;
    server.pinging = false;
    try {
      await eventually(() => server.subscriptions.length > subs, "a reconnect after missed pings");
    } finally {
      server.pinging = true;
    }
  });

  it("keeps serving the last good snapshot while the operator refuses it or is gone", async () => {
    const before = server.unauthorized;
    // the server now refuses every stream: the proxy keeps retrying with backoff
    const realHandle = server.server.listeners("request");
    server.server.removeAllListeners("request");
    server.server.on("request", (_req: http.IncomingMessage, res: http.ServerResponse) => {
      server.unauthorized++;
      res.writeHead(401).end();
    });
    server.dropAll();
    await eventually(() => server.unauthorized >= before + 2, "repeated reconnect attempts");
    assert.equal(await serves(), true);
    server.server.removeAllListeners("request");
    for (const l of realHandle) server.server.on("request", l as http.RequestListener);
    // the operator goes away altogether
    await server.close();
    await new Promise((r) => setTimeout(r, 3 * PING_MS));
    assert.equal(await serves(), true);
    assert.equal((await fetch(`${world.admin}/ready`)).status, 200);
    const logs = world.logs.join("");
    assert.ok(!logs.includes(TOKEN), "the stream token never reaches the logs");
  });
});
