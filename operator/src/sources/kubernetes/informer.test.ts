// The informer's list/watch loop against a fake API server on loopback (real KubeClient, real HTTP):
// 410 on the watch request and a 410 ERROR event inside the stream both relist; a BOOKMARK moves
// the resourceVersion without a change; a malformed line is logged (length only) and skipped.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { createLogger } from "../../../../gateway/src/log.ts";
import { KubeClient } from "./client.ts";
import { Informer, type ObjectChange } from "./informer.ts";
import { GATEWAY } from "./kinds.ts";

type Watch = (res: http.ServerResponse, query: URLSearchParams) => void;

interface Fake {
  client: KubeClient;
  lists: URLSearchParams[];
  watches: URLSearchParams[];
  close: () => Promise<void>;
}

function gw(name: string, rv: string): Record<string, unknown> {
  return { metadata: { namespace: "ns", name, resourceVersion: rv }, spec: { gatewayClassName: "c" } };
}

/** Lists answer from `listBodies` in turn (the last one repeats); watches run `watches` in turn. */
async function fakeApi(listBodies: { rv: string; items: unknown[] }[], watches: Watch[]): Promise<Fake> {
  const lists: URLSearchParams[] = [];
  const watchQueries: URLSearchParams[] = [];
  const open = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== GATEWAY.path) {
      res.writeHead(404).end();
      return;
    }
    if (url.searchParams.get("watch") === "true") {
      const step = watches[watchQueries.length] ?? ((r) => r.writeHead(200)); // later: hang open
      watchQueries.push(url.searchParams);
      open.add(res);
      res.on("close", () => open.delete(res));
      step(res, url.searchParams);
      return;
    }
    const body = listBodies[Math.min(lists.length, listBodies.length - 1)];
    lists.push(url.searchParams);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ metadata: { resourceVersion: body?.rv }, items: body?.items ?? [] }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "fake", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u" }],
    contexts: [{ name: "fake", cluster: "fake", user: "u" }],
    currentContext: "fake",
  });
  return {
    client: new KubeClient(kc),
    lists,
    watches: watchQueries,
    close: async () => {
      for (const res of open) res.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function logs(): { lines: Record<string, unknown>[]; text: string[]; log: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const text: string[] = [];
  const log = createLogger({
    level: "debug",
    destination: {
      write: (s: string) => {
        text.push(s);
        lines.push(JSON.parse(s));
      },
    },
  });
  return { lines, text, log };
}

async function until(cond: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function informer(fake: Fake, log: ReturnType<typeof createLogger>, changes: (ObjectChange | undefined)[]) {
  return new Informer(fake.client, GATEWAY, {
    log,
    onChange: (c) => changes.push(c),
    backoff: { baseMs: 10, capMs: 20 },
    watchTimeoutSeconds: [60, 60],
  });
}

const names = (inf: Informer) => inf.list().map((o) => (o as { metadata: { name: string } }).metadata.name);

test("HTTP 410 on the watch request relists and watches from the new list's resourceVersion", async () => {
  const fake = await fakeApi(
    [
      { rv: "10", items: [gw("a", "9")] },
      { rv: "20", items: [gw("a", "9"), gw("b", "19")] },
    ],
    [(res) => res.writeHead(410, { "content-type": "application/json" }).end('{"kind":"Status","code":410}')],
  );
  const { lines, log } = logs();
  const changes: (ObjectChange | undefined)[] = [];
  const inf = informer(fake, log, changes);
  inf.start();
  try {
    await until(() => fake.watches.length >= 2, "a second watch");
    assert.equal(fake.lists.length, 2, "exactly one relist");
    assert.equal(fake.watches[0]?.get("resourceVersion"), "10");
    assert.equal(fake.watches[1]?.get("resourceVersion"), "20");
    assert.equal(fake.watches[0]?.get("allowWatchBookmarks"), "true");
    assert.deepEqual(names(inf).sort(), ["a", "b"]);
    assert.ok(lines.some((l) => l.msg === "resourceVersion expired; relisting"));
    assert.ok(!lines.some((l) => l.level === "warn"), "a 410 is routine, not a failure");
  } finally {
    await inf.stop();
    await fake.close();
  }
});

test("an ERROR event with code 410 inside the stream relists", async () => {
  const fake = await fakeApi(
    [
      { rv: "10", items: [gw("a", "9")] },
      { rv: "30", items: [gw("c", "29")] },
    ],
    [
      (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(
          `${JSON.stringify({ type: "ERROR", object: { kind: "Status", code: 410, reason: "Expired" } })}\n`,
        );
        // The stream stays open: the informer must close it itself.
      },
    ],
  );
  const { log } = logs();
  const changes: (ObjectChange | undefined)[] = [];
  const inf = informer(fake, log, changes);
  inf.start();
  try {
    await until(() => fake.watches.length >= 2, "a watch after the relist");
    assert.equal(fake.lists.length, 2);
    assert.equal(fake.watches[1]?.get("resourceVersion"), "30");
    assert.deepEqual(names(inf), ["c"], "the relist replaced what was held");
  } finally {
    await inf.stop();
    await fake.close();
  }
});

test("a BOOKMARK moves the resourceVersion and changes nothing", async () => {
  const fake = await fakeApi(
    [{ rv: "10", items: [gw("a", "9")] }],
    [
      (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        const bookmark = {
          type: "BOOKMARK",
          object: { kind: "Gateway", metadata: { resourceVersion: "15" } },
        };
        res.end(`${JSON.stringify(bookmark)}\n`);
      },
    ],
  );
  const { log } = logs();
  const changes: (ObjectChange | undefined)[] = [];
  const inf = informer(fake, log, changes);
  inf.start();
  try {
    await until(() => fake.watches.length >= 2, "a watch after the stream ended");
    assert.equal(fake.lists.length, 1, "a clean end of the stream does not relist");
    assert.equal(fake.watches[1]?.get("resourceVersion"), "15", "watched again from the bookmark");
    assert.equal(changes.length, 1, "only the initial list reported a change");
    assert.deepEqual(names(inf), ["a"]);
  } finally {
    await inf.stop();
    await fake.close();
  }
});

test("a malformed watch line is logged by length only and skipped; the stream goes on", async () => {
  const secretish = "not-json c2stcHJvai1zZWNyZXQ=";
  const fake = await fakeApi(
    [{ rv: "10", items: [] }],
    [
      (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write(`${secretish}\n`);
        res.write(`${JSON.stringify({ type: "ADDED", object: gw("b", "11") })}\n`);
      },
    ],
  );
  const { lines, text, log } = logs();
  const changes: (ObjectChange | undefined)[] = [];
  const inf = informer(fake, log, changes);
  inf.start();
  try {
    await until(() => names(inf).includes("b"), "the event after the bad line");
    const warn = lines.find((l) => l.msg === "malformed watch event skipped");
    assert.ok(warn, "the bad line is logged");
    assert.equal(warn.bytes, Buffer.byteLength(secretish));
    assert.equal(warn.kind, "Gateway");
    assert.ok(!text.some((t) => t.includes("c2stcHJvai1zZWNyZXQ")), "the line's text is never logged");
    assert.equal(fake.watches.length, 1, "the same stream kept going");
    assert.equal(fake.lists.length, 1);
    assert.deepEqual(changes.at(-1)?.key, "ns/b");
  } finally {
    await inf.stop();
    await fake.close();
  }
});
