// Hostile request bodies against the real proxy process (heap limit as in the chart): millions of
// empty objects, deep nesting, non-JSON content types that would dodge the backend's model pin,
// invalid JSON, smuggled duplicate "model" members, oversized bodies and the in-flight body budget.
// Each checks: no crash, bounded RSS, the right 4xx/503 with an OpenAI-style body, other clients'
// latency (printed), and that a refused request never reached the provider with the platform key.
import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { LOOPBACK } from "../proxy/harness.ts";
import { backend, provider, route, snapshot } from "../proxy/snapshot-builder.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import {
  inject,
  PROVIDER_KEY,
  type ProxyProcess,
  parseRaw,
  probeLatency,
  rawExchange,
  rssBytes,
  startProxyProcess,
  watchRss,
} from "./world.ts";

const PINNED = "gpt-4o-mini";
const CHAT = { model: PINNED, messages: [{ role: "user", content: "hello" }] };
/** A chart-sized proxy must stay well under its container limit whatever the bodies. */
const RSS_BOUND = 250 * 1024 * 1024;

type ErrorJson = { error: { message: string; type: string; code: string } };

describe("abuse: request bodies", () => {
  let sim: Simulator;
  let proxy: ProxyProcess;
  let sink: http.Server;
  const sunk: number[] = [];

  before(async () => {
    sim = await startSimulator({ chunks: 3, requireKey: PROVIDER_KEY });
    // A provider stand-in for the 10 MB bodies: it drains and counts the bytes and answers a fixed
    // completion, so the test measures the proxy, not a provider parsing 3.3 M objects.
    sink = http.createServer((req, res) => {
      let n = 0;
      req.on("data", (c: Buffer) => {
        n += c.length;
      });
      req.on("end", () => {
        sunk.push(n);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          '{"id":"x","object":"chat.completion","model":"x","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}',
        );
      });
    });
    await new Promise<void>((r) => sink.listen(0, LOOPBACK, r));
    const sinkUrl = `http://${LOOPBACK}:${(sink.address() as AddressInfo).port}`;
    proxy = await startProxyProcess(
      snapshot({
        backends: [
          backend("pinned", [[provider(sim.url, "openai", { auth: inject, model: PINNED })]]),
          backend("sink", [[provider(sinkUrl, "openai", { auth: inject, path: "/v1/chat/completions" })]]),
        ],
        routes: [
          route("sink", ["sink"], { match: { path: { type: "PathPrefix", value: "/sink" } } }),
          route("chat", ["pinned"], { match: { path: { type: "PathPrefix", value: "/v1" } } }),
        ],
      }),
    );
  });
  after(async () => {
    await proxy?.stop();
    await sim?.close();
    sink?.closeAllConnections();
    await new Promise<void>((r) => (sink ? sink.close(() => r()) : r()));
  });

  const chatUrl = () => `${proxy.base}/v1/chat/completions`;

  async function refusedWith(
    res: Response,
    status: number,
    code: string,
    type = "invalid_request_error",
  ): Promise<void> {
    const text = await res.text();
    assert.equal(res.status, status, text);
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    const body = JSON.parse(text) as ErrorJson;
    assert.equal(body.error.code, code);
    assert.equal(body.error.type, type);
    assert.ok(body.error.message.length > 0);
  }

  it("4 parallel 9.9 MB bodies of 3.3 M empty objects: forwarded byte for byte, RSS bounded, others unaffected", async () => {
    const body = Buffer.from(
      `{"model":"x","messages":[{"role":"user","content":"hi"}],"e":[${"{},".repeat(3_300_000)}{}]}`,
    );
    const rssBefore = rssBytes(proxy.pid);
    const rss = watchRss(proxy.pid);
    const probe = probeLatency(chatUrl(), CHAT);
    await new Promise((r) => setTimeout(r, 300));
    const sent = await Promise.all(
      Array.from({ length: 4 }, () =>
        fetch(`${proxy.base}/sink/chat`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        }).then(async (r) => ({ status: r.status, text: await r.text() })),
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    const lat = await probe.stop();
    const peak = rss.stop();
    console.log(
      `# 4 x ${(body.length / 1e6).toFixed(1)} MB bodies: proxy RSS ${(rssBefore / 1e6).toFixed(0)} -> peak ${(peak / 1e6).toFixed(0)} MB; ` +
        `other clients: n=${lat.n} p50=${lat.p50.toFixed(1)} ms p99=${lat.p99.toFixed(1)} ms max=${lat.max.toFixed(1)} ms failed=${lat.failed}`,
    );
    for (const s of sent) assert.equal(s.status, 200, s.text);
    assert.deepEqual(sunk, [body.length, body.length, body.length, body.length], "forwarded unchanged");
    assert.equal(proxy.exited(), false, "the proxy is alive");
    assert.ok(peak < RSS_BOUND, `peak RSS ${peak} bytes`);
    assert.equal(lat.failed, 0);
    // before: each body cost ~3.6 s of CPU on the event loop, stalling everyone for seconds
    assert.ok(lat.p99 < 2000, `other clients' p99 ${lat.p99.toFixed(0)} ms`);
  });

  it("JSON nested 5000 deep is 400 json_too_deep, not a 500 stack overflow; the provider is not called", async () => {
    const before = sim.requests.length;
    const deep = `{"model":"x","messages":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const res = await fetch(chatUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: deep,
    });
    await refusedWith(res, 400, "json_too_deep");
    assert.equal(sim.requests.length, before);
  });

  for (const contentType of [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
  ]) {
    it(`a ${contentType.split(";")[0]} body cannot bypass the backend's model pin: 415, provider not called`, async () => {
      const before = sim.requests.length;
      const res = await fetch(chatUrl(), {
        method: "POST",
        headers: { "content-type": contentType },
        body: JSON.stringify({ ...CHAT, model: "gpt-4-expensive" }),
      });
      await refusedWith(res, 415, "unsupported_media_type");
      assert.equal(sim.requests.length, before);
    });
  }

  it("a body without a content type is JSON: the pinned model is what reaches the provider", async () => {
    const res = await fetch(chatUrl(), {
      method: "POST",
      body: new Blob([JSON.stringify({ ...CHAT, model: "gpt-4-expensive" })]),
    });
    assert.equal(res.status, 200, await res.clone().text());
    await res.text();
    const seen = sim.lastRequest();
    assert.equal((seen?.body as { model?: string } | undefined)?.model, PINNED);
    assert.equal(seen?.headers.authorization, `Bearer ${PROVIDER_KEY}`);
    assert.equal(seen?.headers["content-type"], "application/json");
  });

  it("an escaped or repeated model member cannot smuggle another model past the pin", async () => {
    const escaped = await fetch(chatUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"mod\\u0065l":"gpt-4-expensive","messages":[{"role":"user","content":"hi"}]}',
    });
    assert.equal(escaped.status, 200, await escaped.clone().text());
    await escaped.text();
    assert.equal((sim.lastRequest()?.body as { model?: string } | undefined)?.model, PINNED);
    const before = sim.requests.length;
    const twice = await fetch(chatUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"model":"gpt-4o-mini","messages":[],"mod\\u0065l":"gpt-4-expensive"}',
    });
    await refusedWith(twice, 400, "invalid_request");
    assert.equal(sim.requests.length, before);
  });

  it("invalid JSON is 400 invalid_json of type invalid_request_error, never a provider_error", async () => {
    const before = sim.requests.length;
    for (const bad of [
      '{"model":"x",',
      '{"model":"x"} trailing',
      "{'model':'x'}",
      '{"a":"\u0001"}',
      "\xff\xfe",
    ]) {
      const res = await fetch(chatUrl(), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: bad,
      });
      await refusedWith(res, 400, "invalid_json");
    }
    assert.equal(sim.requests.length, before);
  });

  it("a body over --max-body-bytes is 413 request_too_large", async () => {
    const res = await fetch(chatUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.alloc(11 * 1024 * 1024, 0x20),
    }).catch(() => undefined);
    // the proxy answers as soon as the declared length is over; the client may still be sending
    if (res) await refusedWith(res, 413, "request_too_large");
    const raw = await rawExchange(proxy.port, [
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${20 * 1024 * 1024}\r\n\r\n{`,
    ]);
    const answer = parseRaw(raw.raw);
    assert.equal(answer?.status, 413);
    assert.equal((JSON.parse(answer?.body ?? "{}") as ErrorJson).error.code, "request_too_large");
  });

  it("bodies held open beyond the in-flight body budget get 503 body_budget_exceeded; the budget comes back", async () => {
    const before = sim.requests.length;
    // six 10 MB bodies announced and held (60 MB of the default 64 MiB budget), then a seventh
    const net = await import("node:net");
    const held = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const s = net.connect(proxy.port, LOOPBACK);
        s.on("error", () => {});
        await new Promise<void>((r) => s.once("connect", () => r()));
        s.write(
          "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10000000\r\n\r\n{",
        );
        return s;
      }),
    );
    await new Promise((r) => setTimeout(r, 300));
    const over = await rawExchange(proxy.port, [
      "POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 10000000\r\n\r\n{",
    ]);
    const answer = parseRaw(over.raw);
    assert.equal(answer?.status, 503, over.raw);
    const body = JSON.parse(answer?.body ?? "{}") as ErrorJson;
    assert.equal(body.error.code, "body_budget_exceeded");
    assert.equal(body.error.type, "server_error");
    for (const s of held) s.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const ok = await fetch(chatUrl(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(CHAT),
    });
    assert.equal(ok.status, 200, await ok.clone().text());
    await ok.text();
    assert.equal(sim.requests.length, before + 1, "only the well-formed request reached the provider");
    const metrics = await (await fetch(`${proxy.admin}/metrics`)).text();
    assert.match(metrics, /ai_gateway_limited_total\{[^}]*limit="body_budget"[^}]*\} [1-9]/);
    assert.equal(proxy.exited(), false);
  });
});
