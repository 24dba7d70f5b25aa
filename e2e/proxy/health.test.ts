// policies.health (passive outlier ejection) through the real proxy: two providers share one
// priority group; one answers 503 to everything. After eviction.consecutiveFailures unhealthy
// answers it is skipped (the simulator records no request to it) for the cool-down, clients never
// see its failures (the other provider answers), and ai_gateway_provider_ejected shows it on
// /metrics. When the cool-down (5 s) ends it is tried again; once it answers, the gauge reads 0.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };
const COOL_DOWN_MS = 5_000;
const FAILURES = 3;
const PROVIDER_KEY = "sk-health-proxy-e2e-7c1d40aa";

describe("proxy: policies.health ejects a failing provider for a cool-down", () => {
  let flaky: Simulator;
  let steady: Simulator;
  let world: ProxyWorld;

  before(async () => {
    flaky = await startSimulator({ chunks: 1 });
    steady = await startSimulator({ chunks: 1 });
    world = await startProxyWorld();
    const health = { eviction: { durationMs: COOL_DOWN_MS, consecutiveFailures: FAILURES } };
    const auth = {
      mode: "inject" as const,
      header: "authorization",
      prefix: "Bearer ",
      credential: PROVIDER_KEY,
      source: "inline",
    };
    const r = await world.apply(
      snapshot({
        backends: [
          backend("pool", [
            [
              provider(flaky.url, "openai", { name: "flaky", health, auth }),
              provider(steady.url, "openai", { name: "steady", health, auth }),
            ],
          ]),
        ],
        routes: [route("chat", ["pool"])],
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  after(async () => {
    await world?.close();
    await flaky?.close();
    await steady?.close();
  });

  const gauge = async (name: string) =>
    metricSum(await world.metrics(), name, { backend: "ai/pool", provider: "flaky" });

  const chat = async (): Promise<void> => {
    const res = await postJson(`${world.base}/v1/chat/completions`, CHAT);
    assert.equal(res.status, 200, "the other provider of the group answers");
    await res.json();
  };

  it("skips the provider after N failures, for the cool-down, then tries it again", async () => {
    flaky.injectFault({ kind: "status", status: 503 }, { pathPrefix: "/" });
    assert.match(
      await world.metrics(),
      /ai_gateway_provider_ejected\{gateway="ai\/gw",backend="ai\/pool",provider="flaky"\} 0/,
      "known and not ejected before any failure",
    );

    // providers of a group are load balanced: keep sending until the flaky one got N requests
    let ejectedNotBefore = 0;
    for (let i = 0; flaky.requests.length < FAILURES; i++) {
      assert.ok(i < 200, `flaky got only ${flaky.requests.length} of 200 requests`);
      ejectedNotBefore = Date.now();
      await chat();
    }
    assert.equal(flaky.requests.length, FAILURES);
    assert.equal(await gauge("ai_gateway_provider_ejected"), 1);
    assert.equal(await gauge("ai_gateway_provider_ejections_total"), 1);

    // during the cool-down every request goes to the other provider
    const steadyBefore = steady.requests.length;
    for (let i = 0; i < 10; i++) await chat();
    const during = Date.now();
    assert.ok(during < ejectedNotBefore + COOL_DOWN_MS, `10 requests took ${during - ejectedNotBefore} ms`);
    assert.equal(flaky.requests.length, FAILURES, "no request reached the ejected provider");
    assert.equal(steady.requests.length - steadyBefore, 10);

    // it recovers; after the cool-down it is tried again (and answers now)
    flaky.reset();
    let triedAt = 0;
    const flakyRequests = (): number => flaky.requests.length;
    while (flakyRequests() === 0) {
      assert.ok(Date.now() - ejectedNotBefore < 30_000, "the provider was never tried again");
      triedAt = Date.now();
      await chat();
      if (flakyRequests() === 0) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(
      Date.now() >= ejectedNotBefore + COOL_DOWN_MS,
      `tried again ${triedAt - ejectedNotBefore} ms after its ejection, before the ${COOL_DOWN_MS} ms cool-down`,
    );
    assert.equal(await gauge("ai_gateway_provider_ejected"), 0);
    assert.equal(await gauge("ai_gateway_provider_ejections_total"), 1);
    const metrics = await world.metrics();
    assert.ok(!metrics.includes(PROVIDER_KEY), "no credential in /metrics");
    const ejectedLogs = world.logs.filter((l) => l.includes("provider ejected"));
    assert.equal(ejectedLogs.length, 1, "one log line per ejection");
    assert.match(ejectedLogs[0] ?? "", /"backend":"ai\/pool","provider":"flaky","until":"\d{4}-/);
    assert.ok(!world.logs.join("").includes(PROVIDER_KEY), "no credential in the logs");
    assert.match(
      metrics,
      /ai_gateway_provider_ejected\{gateway="ai\/gw",backend="ai\/pool",provider="flaky"\} 0/,
    );
  });
});
