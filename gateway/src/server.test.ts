import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { createLogger } from "./log.ts";
import { ListenerSet } from "./server.ts";

const log = createLogger({ component: "test", level: "silent" });

function get(port: number): Promise<{ status: number; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/", agent: new http.Agent({ keepAlive: true }) }, (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }));
      })
      .on("error", reject);
  });
}

function occupied(): Promise<http.Server> {
  return new Promise((resolve) => {
    const s = http.createServer();
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

describe("ListenerSet", () => {
  it("allOpen: true once every wanted port is open, false while one failed to open", async () => {
    const taken = await occupied();
    const takenPort = (taken.address() as AddressInfo).port;
    const set = new ListenerSet({
      bind: "127.0.0.1",
      portMap: new Map([
        [80, 0],
        [81, takenPort],
      ]),
      handler: (_req, res) => res.end("ok"),
      log,
      closeGraceMs: 0,
    });
    assert.equal(set.allOpen(), true, "nothing wanted yet");
    const pending = set.sync([80]);
    assert.equal(set.allOpen(), false, "a sync is under way");
    await pending;
    assert.equal(set.allOpen(), true);
    await set.sync([80, 81]);
    assert.equal(set.allOpen(), false, "port 81 could not be opened");
    await set.sync([80]);
    assert.equal(set.allOpen(), true);
    await set.close();
    taken.close();
  });

  it("a port that fails to bind is reported, retried with backoff, and reported open once free", async () => {
    const taken = await occupied();
    const takenPort = (taken.address() as AddressInfo).port;
    let changes = 0;
    const set = new ListenerSet({
      bind: "127.0.0.1",
      portMap: new Map([
        [80, 0],
        [81, takenPort],
      ]),
      handler: (_req, res) => res.end("ok"),
      log,
      closeGraceMs: 0,
      bindBackoff: { baseMs: 20, maxMs: 100 },
      onListenersChange: () => changes++,
    });
    await set.sync([80, 81]);
    assert.deepEqual(set.states(), [
      { port: 80, open: true },
      { port: 81, open: false, reason: `local port ${takenPort} is already in use` },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(changes, 0, "still taken: retries fail quietly");
    assert.equal(set.states()[1]?.open, false);
    await new Promise<void>((r) => taken.close(() => r()));
    const deadline = Date.now() + 10_000;
    while (changes === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(changes, 1, "the retry opened the port without a new sync");
    assert.deepEqual(set.states(), [
      { port: 80, open: true },
      { port: 81, open: true },
    ]);
    assert.equal(set.allOpen(), true);
    assert.equal((await get(takenPort)).status, 200);
    await set.close();
  });

  it("a failed port no longer wanted stops being retried", async () => {
    const taken = await occupied();
    const takenPort = (taken.address() as AddressInfo).port;
    let changes = 0;
    const set = new ListenerSet({
      bind: "127.0.0.1",
      portMap: new Map([[81, takenPort]]),
      handler: (_req, res) => res.end("ok"),
      log,
      closeGraceMs: 0,
      bindBackoff: { baseMs: 20, maxMs: 50 },
      onListenersChange: () => changes++,
    });
    await set.sync([81]);
    await set.sync([]);
    await new Promise<void>((r) => taken.close(() => r()));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(changes, 0);
    assert.deepEqual(set.states(), []);
    await set.close();
  });

  it("drain: keeps serving, with connection: close on every answer", async () => {
    const set = new ListenerSet({
      bind: "127.0.0.1",
      portMap: new Map([[80, 0]]),
      handler: (_req, res) => res.end("ok"),
      log,
      closeGraceMs: 0,
    });
    await set.sync([80]);
    const port = set.localPort(80);
    assert.ok(port);
    assert.equal((await get(port)).connection, "keep-alive");
    set.drain();
    assert.deepEqual(await get(port), { status: 200, connection: "close" });
    await set.close();
  });
});
