import assert from "node:assert/strict";
import type { IncomingMessage, ServerResponse } from "node:http";
import { test } from "node:test";
import { Registry } from "prom-client";
import { snapshot } from "../../e2e/proxy/snapshot-builder.ts";
import { createAdminHandler, isLoopback } from "./admin.ts";
import { SnapshotStore } from "./snapshot/store.ts";

function call(remoteAddress: string, path: string): { status: number; body: string } {
  const store = new SnapshotStore({});
  assert.equal(store.apply(snapshot({ routes: [], backends: [] })).accepted, true);
  const handler = createAdminHandler({ store, registry: new Registry() });
  const out = { status: 0, body: "" };
  const req = { method: "GET", url: path, socket: { remoteAddress } } as unknown as IncomingMessage;
  const res = {
    writeHead(status: number) {
      out.status = status;
      return this;
    },
    end(body: string) {
      out.body = body;
    },
  } as unknown as ServerResponse;
  handler(req, res);
  return out;
}

test("loopback addresses: 127/8, ::1 and their IPv4-mapped forms; nothing else", () => {
  for (const a of ["127.0.0.1", "127.5.6.7", "::1", "::ffff:127.0.0.1"]) assert.equal(isLoopback(a), true, a);
  for (const a of ["10.0.0.5", "::ffff:10.0.0.5", "0.0.0.0", "fe80::1", "1127.0.0.1", "", undefined])
    assert.equal(isLoopback(a), false, String(a));
});

test("/config_dump answers only loopback clients; probes answer everyone", () => {
  assert.equal(call("127.0.0.1", "/config_dump").status, 200);
  const remote = call("10.0.0.5", "/config_dump");
  assert.equal(remote.status, 403);
  assert.equal((JSON.parse(remote.body) as { error: { type: string } }).error.type, "permission_error");
  assert.equal(call("10.0.0.5", "/ready").status, 200);
  assert.equal(call("10.0.0.5", "/health").status, 200);
});
