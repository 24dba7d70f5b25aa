import assert from "node:assert/strict";
import { test } from "node:test";
import * as undici from "undici";
import { ConnectTimeoutError, Pool } from "./undici-parts.ts";

test("the deep-loaded Pool and ConnectTimeoutError are the classes undici's index exports", () => {
  assert.equal(Pool, undici.Pool);
  assert.equal(ConnectTimeoutError, undici.errors.ConnectTimeoutError);
});

test("a deep-loaded Pool dispatches like the index's", async () => {
  const { createServer } = await import("node:http");
  const server = createServer((_req, res) => res.end("ok"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  const pool = new Pool(`http://127.0.0.1:${port}`);
  try {
    const r = await pool.request({ method: "GET", path: "/" });
    assert.equal(r.statusCode, 200);
    assert.equal(await r.body.text(), "ok");
  } finally {
    await pool.close();
    server.close();
  }
});

test("no proxy module loads undici's index at run time (only types come from it)", async () => {
  const { readdirSync, readFileSync } = await import("node:fs");
  const { join } = await import("node:path");
  const root = join(import.meta.dirname, "..");
  const offenders: string[] = [];
  for (const f of readdirSync(root, { recursive: true, encoding: "utf8" })) {
    if (!f.endsWith(".ts") || f.endsWith(".test.ts")) continue;
    const text = readFileSync(join(root, f), "utf8");
    for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"undici";/gms))
      if (m[1] === undefined) offenders.push(f);
    if (/(?:import|require)\(\s*"undici"\s*\)/.test(text)) offenders.push(f);
  }
  assert.deepEqual(offenders, []);
});
