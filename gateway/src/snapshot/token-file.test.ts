import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createLogger } from "../log.ts";
import { SnapshotClient } from "./client.ts";
import { tokenFileReader } from "./token-file.ts";

const dir = mkdtempSync(join(tmpdir(), "aigw-token-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("reads the file on every call (rotation), keeps the last good token when it cannot", () => {
  const file = join(dir, "token");
  writeFileSync(file, "first\n");
  const read = tokenFileReader(file, "first");
  assert.equal(read(), "first");
  writeFileSync(join(dir, "next"), "second");
  renameSync(join(dir, "next"), file);
  assert.equal(read(), "second");
  rmSync(file);
  assert.equal(read(), "second");
  writeFileSync(file, "  \n");
  assert.equal(read(), "second");
});

test("the stream client presents the current token on every reconnect", async () => {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers.authorization ?? "");
    res.writeHead(200, { "content-type": "application/x-ndjson" }).end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const file = join(dir, "rotating");
  writeFileSync(file, "token-1");
  const client = new SnapshotClient({
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    gateway: { namespace: "ns", name: "gw" },
    token: tokenFileReader(file, "token-1"),
    proxyId: "p",
    apply: () => ({ accepted: true, version: 1, hash: "h" }),
    log: createLogger({ level: "silent" }),
    backoff: { baseMs: 10, maxMs: 20 },
  });
  client.start();
  try {
    for (let i = 0; i < 500 && seen.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
    writeFileSync(file, "token-2");
    for (let i = 0; i < 500 && !seen.includes("Bearer token-2"); i++)
      await new Promise((r) => setTimeout(r, 10));
  } finally {
    await client.close();
    await new Promise<void>((r) => server.close(() => r()));
  }
  assert.equal(seen[0], "Bearer token-1");
  assert.ok(seen.includes("Bearer token-2"), `reconnected with the rotated token: ${seen.length} connects`);
});
