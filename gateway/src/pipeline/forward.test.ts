// The forwarder's own headers and body-idle timeouts, against a real local HTTP server.
import assert from "node:assert/strict";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { AgentPool } from "./agents.ts";
import { type AttemptSpec, type BodySink, Forwarder, isTimeoutError, type UpstreamBody } from "./forward.ts";

let server: Server;
let port = 0;
const held: ServerResponse[] = [];

before(async () => {
  server = createServer((req, res) => {
    held.push(res);
    if (req.url === "/silent") return; // never answers
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("first");
    if (req.url === "/stall") return; // headers and one chunk, then nothing
    if (req.url === "/late-rest") {
      setTimeout(() => res.end("rest"), 200);
      return;
    }
    res.end("rest");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});

after(() => {
  for (const res of held) res.destroy();
  server.close();
});

function spec(path: string, headersTimeoutMs: number, bodyTimeoutMs: number): AttemptSpec {
  return {
    target: { key: `http:127.0.0.1:${port}`, host: "127.0.0.1", port, tls: false },
    authority: `127.0.0.1:${port}`,
    method: "GET",
    path,
    headers: {},
    body: Buffer.alloc(0),
    headersTimeoutMs,
    bodyTimeoutMs,
  };
}

function read(body: UpstreamBody, onFirst?: () => void): Promise<{ text: string; error?: Error }> {
  return new Promise((resolve) => {
    let text = "";
    const sink: BodySink = {
      data: (c) => {
        if (text === "") onFirst?.();
        text += c.toString();
      },
      end: () => resolve({ text }),
      error: (error) => resolve({ text, error }),
    };
    body.consume(sink);
  });
}

const forwarder = new Forwarder(new AgentPool({ connectTimeoutMs: 1_000 }));

test("no response headers within the headers timeout: the attempt fails with a timeout error", async () => {
  const started = performance.now();
  const r = await forwarder.start(spec("/silent", 100, 0)).result;
  assert.equal(r.kind, "error");
  assert.ok(r.kind === "error" && isTimeoutError(r.error), "a timeout error");
  assert.equal(r.kind === "error" && r.error.code, "AIGW_HEADERS_TIMEOUT");
  const ms = performance.now() - started;
  assert.ok(ms >= 90 && ms < 2_000, `after ${ms.toFixed(0)} ms`);
});

test("a provider silent for the idle timeout between chunks fails the body with a timeout error", async () => {
  const r = await forwarder.start(spec("/stall", 1_000, 100)).result;
  assert.equal(r.kind, "response");
  if (r.kind !== "response") return;
  const out = await read(r.upstream.body);
  assert.equal(out.text, "first");
  assert.ok(out.error && isTimeoutError(out.error), "a timeout error");
  assert.equal((out.error as Error & { code?: string }).code, "AIGW_BODY_TIMEOUT");
});

test("a body the gateway holds paused is not timed out; a complete answer ends cleanly", async () => {
  const r = await forwarder.start(spec("/late-rest", 1_000, 100)).result;
  assert.equal(r.kind, "response");
  if (r.kind !== "response") return;
  const body = r.upstream.body;
  const done = read(body, () => {
    body.pause();
    setTimeout(() => body.resume(), 400);
  });
  const out = await done;
  assert.equal(out.error, undefined);
  assert.equal(out.text, "firstrest");
  const ok = await forwarder.start(spec("/ok", 100, 100)).result;
  assert.equal(ok.kind, "response");
  if (ok.kind === "response") assert.deepEqual(await read(ok.upstream.body), { text: "firstrest" });
  // nothing fires after the answer is complete
  await sleep(200);
});
