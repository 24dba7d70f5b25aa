// Hostile HTTP against the real proxy process: slowloris (headers and body trickled), pipelining,
// request smuggling shapes (CL+TE, two Content-Lengths, obs-fold), huge headers, "//" paths,
// connection and in-flight caps, clients aborting mid-stream, a 429 with Retry-After, and the
// default upstream timeouts. Every refusal is a JSON error body; other clients keep being served.
import assert from "node:assert/strict";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { LOOPBACK, metricSum } from "../proxy/harness.ts";
import { backend, provider, route, snapshot } from "../proxy/snapshot-builder.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import {
  inject,
  PROVIDER_KEY,
  type ProxyProcess,
  parseRaw,
  probeLatency,
  rawExchange,
  startProxyProcess,
} from "./world.ts";

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };
const CHAT_JSON = JSON.stringify(CHAT);
type ErrorJson = { error: { message: string; type: string; code: string } };

function request(path: string, extra = "", body = CHAT_JSON): string {
  return (
    `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n${extra}` +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

function errorOf(raw: string): { status: number; code: string; type: string } {
  const a = parseRaw(raw);
  assert.ok(a, `an HTTP answer, got ${JSON.stringify(raw.slice(0, 200))}`);
  assert.match(a.headers, /content-type: application\/json/i);
  const body = JSON.parse(a.body) as ErrorJson;
  return { status: a.status, code: body.error.code, type: body.error.type };
}

describe("abuse: HTTP", () => {
  let sim: Simulator;
  let slow: Simulator;
  let proxy: ProxyProcess;
  const MAX_CONNECTIONS = 40;
  const MAX_INFLIGHT = 8;

  before(async () => {
    sim = await startSimulator({ chunks: 3, requireKey: PROVIDER_KEY });
    slow = await startSimulator({ chunks: 3, requireKey: PROVIDER_KEY });
    proxy = await startProxyProcess(
      snapshot({
        backends: [
          backend("sim", [[provider(sim.url, "openai", { auth: inject })]]),
          backend("slow", [[provider(slow.url, "openai", { auth: inject })]]),
        ],
        routes: [
          route("slow", ["slow"], { match: { path: { type: "PathPrefix", value: "/slow" } } }),
          route("retry", ["sim"], {
            match: { path: { type: "PathPrefix", value: "/retry" } },
            retry: { attempts: 1, backoffMs: 10, codes: [] },
          }),
          route("chat", ["sim"], { match: { path: { type: "PathPrefix", value: "/" } } }),
        ],
      }),
      {
        clientHeaderTimeoutMs: 1000,
        clientRequestTimeoutMs: 2000,
        maxConnections: MAX_CONNECTIONS,
        maxInflightRequests: MAX_INFLIGHT,
        upstreamHeaderTimeoutMs: 1500,
        upstreamIdleTimeoutMs: 1000,
      },
    );
  });
  after(async () => {
    await proxy?.stop();
    await sim?.close();
    await slow?.close();
  });

  const chatUrl = () => `${proxy.base}/v1/chat/completions`;

  it("slowloris headers get 408 request_timeout with a JSON body; other clients are served meanwhile", async () => {
    const probe = probeLatency(chatUrl(), CHAT);
    const parts = [
      "POST /v1/chat/completions HTTP/1.1\r\n",
      "host: x\r\n",
      "x-a: 1\r\n",
      "x-b: 2\r\n",
      "x-c: 3\r\n",
    ];
    const trickles = await Promise.all(
      Array.from({ length: 10 }, () => rawExchange(proxy.port, parts, { gapMs: 400, waitMs: 4000 })),
    );
    const lat = await probe.stop();
    console.log(
      `# slowloris x10: other clients n=${lat.n} p50=${lat.p50.toFixed(1)} ms p99=${lat.p99.toFixed(1)} ms`,
    );
    for (const t of trickles) {
      assert.equal(t.closed, true, "the proxy closed the slow connection");
      const e = errorOf(t.raw);
      assert.equal(e.status, 408);
      assert.equal(e.code, "request_timeout");
    }
    assert.equal(lat.failed, 0);
    assert.ok(lat.p99 < 1000, `p99 ${lat.p99}`);
  });

  it("a body trickled past the request timeout is cut; the provider never sees it", async () => {
    const before = sim.requests.length;
    const head = `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${CHAT_JSON.length}\r\n\r\n`;
    const bytes = [head, ...CHAT_JSON.slice(0, 12).split("")];
    const t = await rawExchange(proxy.port, bytes, { gapMs: 300, waitMs: 5000 });
    assert.equal(t.closed, true);
    if (t.raw !== "") assert.equal(errorOf(t.raw).status, 408);
    assert.equal(sim.requests.length, before);
    assert.equal(proxy.exited(), false);
  });

  it("pipelined requests are answered in order on one connection", async () => {
    const t = await rawExchange(
      proxy.port,
      [request("/v1/chat/completions") + request("/v1/chat/completions", "connection: close\r\n")],
      { waitMs: 5000 },
    );
    const answers = t.raw.split(/(?=HTTP\/1\.1 )/).filter((s) => s.startsWith("HTTP/1.1"));
    assert.equal(answers.length, 2, t.raw.slice(0, 500));
    for (const a of answers) assert.equal(parseRaw(a)?.status, 200);
  });

  for (const [name, extra] of [
    ["Content-Length with Transfer-Encoding", "transfer-encoding: chunked\r\n"],
    ["two different Content-Lengths", "content-length: 3\r\n"],
    ["an obs-folded header", "x-folded: a\r\n b\r\n"],
  ] as const) {
    it(`smuggling shape refused with 400 and a JSON body: ${name}`, async () => {
      const before = sim.requests.length;
      const t = await rawExchange(proxy.port, [request("/v1/chat/completions", extra)]);
      const e = errorOf(t.raw);
      assert.equal(e.status, 400);
      assert.equal(e.code, "bad_request");
      assert.equal(e.type, "invalid_request_error");
      assert.equal(sim.requests.length, before, "nothing reached the provider");
    });
  }

  it("huge headers get 431 with a JSON body", async () => {
    const t = await rawExchange(proxy.port, [
      request("/v1/chat/completions", `x-big: ${"a".repeat(40_000)}\r\n`),
    ]);
    const e = errorOf(t.raw);
    assert.equal(e.status, 431);
    assert.equal(e.code, "headers_too_large");
  });

  it("paths starting with // are paths, not a 500 Invalid URL (nor a host)", async () => {
    for (const path of ["//", "//:99999/v1/chat/completions", "//[/x", "//%zz/x"]) {
      const t = await rawExchange(proxy.port, [request(path, "connection: close\r\n")], { waitMs: 5000 });
      const a = parseRaw(t.raw);
      assert.ok(a && a.status < 500, `${path}: ${t.raw.slice(0, 300)}`);
      JSON.parse(a?.body ?? "");
    }
  });

  it("connections over --max-connections get 503 overloaded and are closed; the rest keep working", async () => {
    const idle: net.Socket[] = [];
    for (let i = 0; i < MAX_CONNECTIONS; i++) {
      const s = net.connect(proxy.port, LOOPBACK);
      s.on("error", () => {});
      await new Promise<void>((r) => s.once("connect", () => r()));
      idle.push(s);
    }
    await new Promise((r) => setTimeout(r, 200));
    const over = await rawExchange(proxy.port, [request("/v1/chat/completions")]);
    const e = errorOf(over.raw);
    assert.equal(e.status, 503);
    assert.equal(e.code, "overloaded");
    for (const s of idle) s.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const ok = await fetch(chatUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: CHAT_JSON,
    });
    assert.equal(ok.status, 200);
    await ok.text();
    const m = await (await fetch(`${proxy.admin}/metrics`)).text();
    assert.ok(metricSum(m, "ai_gateway_limited_total", { limit: "connections" }) >= 1);
  });

  it("requests over --max-inflight-requests get 503 overloaded with Retry-After; the held ones finish", async () => {
    slow.setLatency({ ttftMs: 1000 });
    const held = Array.from({ length: MAX_INFLIGHT }, () =>
      fetch(`${proxy.base}/slow/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: CHAT_JSON,
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const over = await fetch(chatUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: CHAT_JSON,
    });
    assert.equal(over.status, 503);
    assert.equal(over.headers.get("retry-after"), "1");
    assert.equal(((await over.json()) as ErrorJson).error.code, "overloaded");
    for (const r of await Promise.all(held)) {
      assert.equal(r.status, 200);
      await r.text();
    }
    slow.setLatency({ ttftMs: 0 });
    const m = await (await fetch(`${proxy.admin}/metrics`)).text();
    assert.ok(metricSum(m, "ai_gateway_limited_total", { limit: "requests" }) >= 1);
  });

  it("clients aborting mid-stream: counted, logged at info (not error), and the proxy stays up", async () => {
    slow.setLatency({ ttftMs: 0, interTokenMs: 200 });
    const m0 = metricSum(
      await (await fetch(`${proxy.admin}/metrics`)).text(),
      "ai_gateway_client_disconnects_total",
    );
    for (let i = 0; i < 5; i++) {
      const ac = new AbortController();
      const res = await fetch(`${proxy.base}/slow/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...CHAT, stream: true }),
        signal: ac.signal,
      });
      const reader = res.body?.getReader();
      await reader?.read();
      ac.abort();
    }
    slow.setLatency({ ttftMs: 0, interTokenMs: 0 });
    let m1 = 0;
    for (let i = 0; i < 50 && m1 - m0 < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      m1 = metricSum(
        await (await fetch(`${proxy.admin}/metrics`)).text(),
        "ai_gateway_client_disconnects_total",
      );
    }
    assert.equal(m1 - m0, 5);
    const errorLines = proxy
      .output()
      .split("\n")
      .filter((l) => l.includes('"level":50') || l.includes('"level":"error"'));
    assert.deepEqual(errorLines, [], "no error-level log line");
    assert.equal(proxy.exited(), false);
  });

  it("a 429 with Retry-After: 1 is retried after the second it asks for, not 100 ms later", async () => {
    sim.injectFault({ kind: "status", status: 429, retryAfter: 1 }, { count: 1 });
    const before = sim.requests.length;
    const started = performance.now();
    const res = await fetch(`${proxy.base}/retry/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: CHAT_JSON,
    });
    const ms = performance.now() - started;
    assert.equal(res.status, 200, await res.clone().text());
    await res.text();
    assert.equal(sim.requests.length, before + 2);
    assert.ok(ms >= 950, `retried after ${ms.toFixed(0)} ms`);
  });

  it("default upstream timeouts: no response headers in time is 504; a silent stream ends with an error event", async () => {
    slow.setLatency({ ttftMs: 3000 });
    const res = await fetch(`${proxy.base}/slow/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: CHAT_JSON,
    });
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as ErrorJson).error.code, "upstream_timeout");
    slow.setLatency({ ttftMs: 0, interTokenMs: 3000 });
    const stream = await fetch(`${proxy.base}/slow/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...CHAT, stream: true }),
    });
    assert.equal(stream.status, 200);
    // the proxy ends a broken stream with an error event and no clean end: read until it cuts
    let text = "";
    const reader = stream.body?.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const chunk = await reader?.read();
        if (!chunk || chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
    } catch {
      // terminated: expected for a cut stream
    }
    assert.match(text, /"code":"upstream_timeout"/);
    assert.doesNotMatch(text, /\[DONE\]/);
    slow.setLatency({ ttftMs: 0, interTokenMs: 0 });
  });
});
