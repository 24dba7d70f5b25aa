// Failover across priority groups (500, 429, connect error, per-attempt timeout), bounded retries
// with backoff, and route timeouts (504). Provider faults come from the simulator.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { freePort } from "../harness/free-port.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { eventually, metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };

describe("proxy: failover, retries and timeouts", () => {
  let primary: Simulator;
  let secondary: Simulator;
  let world: ProxyWorld;
  let deadPort: number;

  before(async () => {
    primary = await startSimulator({ chunks: 3 });
    secondary = await startSimulator({ chunks: 3 });
    deadPort = await freePort(); // nothing listens there: connection refused
    world = await startProxyWorld();
    const p = (sim: Simulator, name: string) => provider(sim.url, "openai", { name });
    const r = await world.apply(
      snapshot({
        backends: [
          backend("groups", [[p(primary, "primary")], [p(secondary, "secondary")]]),
          backend("dead-first", [
            [provider(`http://127.0.0.1:${deadPort}`, "openai", { name: "dead" })],
            [p(secondary, "secondary")],
          ]),
          backend("single", [[p(primary, "only")]]),
        ],
        routes: [
          route("failover", ["groups"], { match: { path: { type: "PathPrefix", value: "/failover" } } }),
          route("dead", ["dead-first"], { match: { path: { type: "PathPrefix", value: "/dead" } } }),
          route("retry", ["single"], {
            match: { path: { type: "PathPrefix", value: "/retry" } },
            retry: { attempts: 2, backoffMs: 5, codes: [] },
          }),
          route("attempt-timeout", ["groups"], {
            match: { path: { type: "PathPrefix", value: "/attempt-timeout" } },
            timeouts: { backendRequestMs: 300 },
          }),
          route("request-timeout", ["single"], {
            match: { path: { type: "PathPrefix", value: "/request-timeout" } },
            timeouts: { requestMs: 300 },
          }),
          route("no-backend", [], { match: { path: { type: "PathPrefix", value: "/no-backend" } } }),
        ],
      }),
    );
    assert.equal(r.accepted, true, r.reason);
  });
  beforeEach(() => {
    primary.reset();
    secondary.reset();
  });
  after(async () => {
    await world?.close();
    await primary?.close();
    await secondary?.close();
  });

  const upstreamErrors = async (labels: Record<string, string>) =>
    metricSum(await world.metrics(), "ai_gateway_upstream_errors_total", labels);

  for (const status of [500, 503, 429]) {
    it(`fails over to the next group on ${status}`, async () => {
      const reason = status === 429 ? "rate_limited" : "provider_error";
      const before = await upstreamErrors({ provider: "primary", reason });
      primary.injectFault({ kind: "status", status, retryAfter: 1 }, { count: 1 });
      const res = await postJson(`${world.base}/failover/v1/chat/completions`, CHAT);
      assert.equal(res.status, 200);
      await res.json();
      assert.equal(primary.requests.length, 1);
      assert.equal(secondary.requests.length, 1);
      assert.equal((await upstreamErrors({ provider: "primary", reason })) - before, 1);
    });
  }

  it("fails over on a connection error", async () => {
    const res = await postJson(`${world.base}/dead/v1/chat/completions`, CHAT);
    assert.equal(res.status, 200);
    await res.json();
    assert.equal(secondary.requests.length, 1);
    assert.ok((await upstreamErrors({ provider: "dead", reason: "upstream_unreachable" })) >= 1);
  });

  it("when every group fails, the last answer surfaces: 500 provider_error, 429 rate_limited with Retry-After", async () => {
    primary.injectFault({ kind: "status", status: 500 }, { count: 1 });
    secondary.injectFault({ kind: "status", status: 500 }, { count: 1 });
    const res = await postJson(`${world.base}/failover/v1/chat/completions`, CHAT);
    assert.equal(res.status, 500);
    const body = (await res.json()) as { error: { type: string; code: string } };
    assert.equal(body.error.type, "provider_error");
    assert.equal(body.error.code, "provider_error");

    primary.injectFault({ kind: "status", status: 429, retryAfter: 7 }, { count: 1 });
    secondary.injectFault({ kind: "status", status: 429, retryAfter: 7 }, { count: 1 });
    const limited = await postJson(`${world.base}/failover/v1/chat/completions`, CHAT);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "7");
    assert.equal(((await limited.json()) as { error: { code: string } }).error.code, "rate_limited");
  });

  it("a non-retryable provider error is not retried and keeps its status", async () => {
    primary.injectFault({ kind: "status", status: 400 }, { count: 1 });
    const res = await postJson(`${world.base}/failover/v1/chat/completions`, CHAT);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: { type: string } }).error.type, "provider_error");
    assert.equal(primary.requests.length, 1);
    assert.equal(secondary.requests.length, 0);
  });

  it("retries the same provider up to route.retry.attempts with backoff", async () => {
    primary.injectFault({ kind: "status", status: 502 }, { count: 2 });
    const res = await postJson(`${world.base}/retry/v1/chat/completions`, CHAT);
    assert.equal(res.status, 200);
    await res.json();
    assert.equal(primary.requests.length, 3);
    primary.reset();
    primary.injectFault({ kind: "status", status: 502 }, { count: 3 });
    const exhausted = await postJson(`${world.base}/retry/v1/chat/completions`, CHAT);
    assert.equal(exhausted.status, 502);
    await exhausted.text();
    assert.equal(primary.requests.length, 3, "1 try + 2 retries, no more");
  });

  it("a provider that hangs past backendRequestMs fails over to the next group", async () => {
    primary.injectFault({ kind: "hang" }, { count: 1 });
    const res = await postJson(`${world.base}/attempt-timeout/v1/chat/completions`, CHAT);
    assert.equal(res.status, 200);
    await res.json();
    assert.equal(secondary.requests.length, 1);
    assert.ok((await upstreamErrors({ provider: "primary", reason: "upstream_timeout" })) >= 1);
  });

  it("every attempt timing out gives 504 upstream_timeout", async () => {
    primary.injectFault({ kind: "hang" }, { count: 1 });
    secondary.injectFault({ kind: "hang" }, { count: 1 });
    const res = await postJson(`${world.base}/attempt-timeout/v1/chat/completions`, CHAT);
    assert.equal(res.status, 504);
    assert.deepEqual(await res.json(), {
      error: {
        message: "The provider did not answer in time",
        type: "timeout_error",
        code: "upstream_timeout",
      },
    });
  });

  it("the route's request timeout gives 504 and aborts the upstream request", async () => {
    primary.injectFault({ kind: "hang" }, { count: 1 });
    const res = await postJson(`${world.base}/request-timeout/v1/chat/completions`, CHAT);
    assert.equal(res.status, 504);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "upstream_timeout");
    await eventually(() => primary.requests[0]?.aborted === true, "the provider to see the request aborted");
    const text = await world.metrics();
    assert.ok(
      metricSum(text, "ai_gateway_requests_total", { status: "504", reason: "upstream_timeout" }) >= 1,
    );
  });

  it("a route without a resolved backend fails closed with 500 no_backend", async () => {
    const res = await postJson(`${world.base}/no-backend/v1/chat/completions`, CHAT);
    assert.equal(res.status, 500);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, "no_backend");
    assert.equal(primary.requests.length + secondary.requests.length, 0);
  });
});
