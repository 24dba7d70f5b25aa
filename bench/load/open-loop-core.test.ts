import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { openLoop } from "./open-loop-core.ts";

test("warm-up requests are sent at the rate but not counted", async () => {
  let seen = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen++;
      // the warm-up ones fail: none of them may reach the counts
      res.statusCode = seen <= 20 ? 500 : 200;
      res.end("{}");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  try {
    const r = await openLoop({
      url: `http://127.0.0.1:${port}/x`,
      body: "{}",
      headers: {},
      rate: 100,
      warmupS: 0.2,
      durationS: 0.3,
      connections: 64,
      timeoutMs: 5_000,
    });
    assert.equal(seen, 50);
    assert.equal(r.sent, 30);
    assert.equal(r.ok, 30);
    assert.equal(r.errors + r.timeouts, 0);
    assert.equal(r.latency.n, 30);
  } finally {
    server.close();
  }
});
