// Route matching under hostile input, on the real proxy process: a 40 kB model against a
// multi-star glob and a crafted header against ^(a+)+$ must cost microseconds (both used to stall
// every route for seconds); a regex the linear engine cannot run is rejected with a reason while
// the last good snapshot keeps serving.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { backend, provider, route, snapshot } from "../proxy/snapshot-builder.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { inject, PROVIDER_KEY, type ProxyProcess, probeLatency, startProxyProcess } from "./world.ts";

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };

function world(sim: Simulator, extraHeaderRegex = "(a+)+") {
  return snapshot({
    backends: [backend("sim", [[provider(sim.url, "openai", { auth: inject })]])],
    routes: [
      route("preview", ["sim"], {
        match: { path: { type: "PathPrefix", value: "/v1" }, model: "gpt-*-*-preview" },
      }),
      route("tenant", ["sim"], {
        match: {
          path: { type: "PathPrefix", value: "/t" },
          headers: [{ name: "x-tenant", type: "RegularExpression", value: extraHeaderRegex }],
        },
      }),
      route("chat", ["sim"], { match: { path: { type: "PathPrefix", value: "/" } } }),
    ],
  });
}

describe("abuse: route matching", () => {
  let sim: Simulator;
  let proxy: ProxyProcess;

  before(async () => {
    sim = await startSimulator({ chunks: 3, requireKey: PROVIDER_KEY });
    proxy = await startProxyProcess(world(sim));
  });
  after(async () => {
    await proxy?.stop();
    await sim?.close();
  });

  it("a 40 kB model against gpt-*-*-preview is decided at once; others are not stalled", async () => {
    const probe = probeLatency(`${proxy.base}/chat/completions`, CHAT);
    const model = `gpt-${"-".repeat(40_000)}x`;
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        fetch(`${proxy.base}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ...CHAT, model }),
        }).then(async (r) => ({ status: r.status, text: await r.text() })),
      ),
    );
    const ms = performance.now() - started;
    const lat = await probe.stop();
    console.log(
      `# 4 x 40 kB model vs glob: ${ms.toFixed(0)} ms; other clients p50=${lat.p50.toFixed(1)} ms p99=${lat.p99.toFixed(1)} ms`,
    );
    // it matches no glob: the catch-all route serves it (the simulator answers for any model)
    for (const a of answers) assert.ok(a.status < 500, a.text.slice(0, 200));
    assert.ok(ms < 1000, `${ms} ms (was 1.2 s per request with a backtracking RegExp)`);
    assert.ok(lat.p99 < 1000, `others' p99 ${lat.p99} ms`);
  });

  it("a 31-byte header against ^(a+)+$ is decided at once (was a 9.9 s stall of every route)", async () => {
    const probe = probeLatency(`${proxy.base}/chat/completions`, CHAT);
    const started = performance.now();
    const res = await fetch(`${proxy.base}/t/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tenant": `${"a".repeat(30)}!` },
      body: JSON.stringify(CHAT),
    });
    await res.text();
    const ms = performance.now() - started;
    const lat = await probe.stop();
    console.log(`# ^(a+)+$ vs 31 bytes: ${ms.toFixed(0)} ms; other clients p99=${lat.p99.toFixed(1)} ms`);
    assert.ok(ms < 1000, `${ms} ms`);
    const matching = await fetch(`${proxy.base}/t/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tenant": "aaaa" },
      body: JSON.stringify(CHAT),
    });
    assert.equal(matching.status, 200);
    await matching.text();
  });

  it("a header regex the linear engine cannot run is rejected with a reason; the last good keeps serving", async () => {
    const ack = await proxy.push(world(sim, "(a)\\1"));
    assert.equal(ack.accepted, false);
    assert.match(ack.reason ?? "", /linear time/);
    const res = await fetch(`${proxy.base}/t/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-tenant": "aaaa" },
      body: JSON.stringify(CHAT),
    });
    assert.equal(res.status, 200);
    await res.text();
  });
});
