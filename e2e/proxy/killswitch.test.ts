// The kill switch: a snapshot without a route refuses new requests to it at once (404
// route_not_found), aborts its open streams after --kill-grace-ms (or lets them finish with
// --drain-killed), counts them, and never disturbs routes that still exist. Re-adding restores.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "../simulator/index.ts";
import { eventually, metricSum, type ProxyWorld, postJson, startProxyWorld } from "./harness.ts";
import { backend, provider, route, snapshot } from "./snapshot-builder.ts";

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };
const STREAM = { ...CHAT, stream: true };
const DOOMED_ID = "AIRoute/ai/doomed/0";

interface OpenStream {
  done: Promise<{ text: string; clean: boolean }>;
}

/** Starts a streaming request and reads it in the background until it ends. */
async function openStream(url: string): Promise<OpenStream> {
  const res = await postJson(url, STREAM);
  assert.equal(res.status, 200);
  const reader = res.body?.getReader();
  assert.ok(reader);
  const first = await reader.read();
  const decoder = new TextDecoder();
  let text = decoder.decode(first.value, { stream: true });
  const done = (async () => {
    try {
      for (;;) {
        const { done: end, value } = await reader.read();
        if (end) return { text, clean: true };
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      return { text, clean: false };
    }
  })();
  return { done };
}

interface Shot {
  startedAt: number;
  endedAt: number;
  status: number;
  code?: string;
}

/** Sequential requests until stopped; each outcome recorded with when it started and ended. */
function steadyLoop(url: string): { shots: Shot[]; stop: () => Promise<void> } {
  const shots: Shot[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const startedAt = performance.now();
      const res = await postJson(url, CHAT);
      const body = (await res.json()) as { error?: { code?: string } };
      shots.push({ startedAt, endedAt: performance.now(), status: res.status, code: body.error?.code });
    }
  })();
  return {
    shots,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

function routes(withDoomed: boolean) {
  const survivor = route("survivor", ["openai"], {
    match: { path: { type: "PathPrefix", value: "/survivor" } },
  });
  const doomed = route("doomed", ["openai"], { match: { path: { type: "PathPrefix", value: "/doomed" } } });
  return withDoomed ? [doomed, survivor] : [survivor];
}

describe("proxy: kill switch", () => {
  let sim: Simulator;
  let world: ProxyWorld;
  let drainWorld: ProxyWorld;

  before(async () => {
    // streams last 40 × 50 ms = 2 s; non-streaming answers come at once
    sim = await startSimulator({ chunks: 40, ttftMs: 0, interTokenMs: 50 });
    world = await startProxyWorld({ killGraceMs: 300 });
    drainWorld = await startProxyWorld({ killGraceMs: 0, drainKilled: true });
  });
  after(async () => {
    await world?.close();
    await drainWorld?.close();
    await sim?.close();
  });

  const snap = (withDoomed: boolean) =>
    snapshot({ backends: [backend("openai", [[provider(sim.url, "openai")]])], routes: routes(withDoomed) });

  it("deleting a route refuses new requests at once, cuts its open stream, spares other routes", async () => {
    assert.equal((await world.apply(snap(true))).accepted, true);
    const doomedStream = await openStream(`${world.base}/doomed/v1/chat/completions`);
    const survivorStream = await openStream(`${world.base}/survivor/v1/chat/completions`);
    const doomedLoop = steadyLoop(`${world.base}/doomed/v1/chat/completions`);
    const survivorLoop = steadyLoop(`${world.base}/survivor/v1/chat/completions`);
    try {
      await eventually(() => doomedLoop.shots.length >= 5, "the loop to be running");

      const appliedAt = performance.now();
      const r = world.proxy.apply(snap(false));
      const returnedAt = performance.now();
      assert.equal(r.accepted, true);

      await eventually(
        () => doomedLoop.shots.some((s) => s.startedAt > returnedAt),
        "a request after the reload",
      );
      const refusals = doomedLoop.shots.filter((s) => s.status === 404);
      const first = refusals[0];
      assert.ok(first, "the route is refused");
      console.log(`kill switch: first refusal ${(first.endedAt - appliedAt).toFixed(2)} ms after apply`);
      for (const s of doomedLoop.shots.filter((x) => x.startedAt > returnedAt)) {
        assert.equal(s.status, 404, "every request sent after the reload is refused");
        assert.equal(s.code, "route_not_found");
      }

      const cut = await doomedStream.done;
      assert.equal(cut.clean, false, "the open stream of the deleted route is cut");
      assert.ok(!cut.text.includes("[DONE]"));
      assert.match(cut.text, /"code":"route_killed"/);
      await eventually(
        () => sim.requests.some((q) => q.path === "/v1/chat/completions" && q.aborted),
        "the provider to see the abort",
      );
      assert.ok(
        metricSum(await world.metrics(), "ai_gateway_killed_requests_total", { route: DOOMED_ID }) >= 1,
        "killed requests are counted",
      );

      const survived = await survivorStream.done;
      assert.equal(survived.clean, true, "a stream on a route that still exists is not disturbed");
      assert.ok(survived.text.includes("data: [DONE]"));
    } finally {
      await doomedLoop.stop();
      await survivorLoop.stop();
    }
    assert.ok(survivorLoop.shots.length > 0);
    assert.deepEqual(
      survivorLoop.shots.filter((s) => s.status !== 200),
      [],
      "no request on a surviving route was dropped across the reload",
    );
  });

  it("re-adding the route restores it", async () => {
    assert.equal((await world.apply(snap(true))).accepted, true);
    const res = await postJson(`${world.base}/doomed/v1/chat/completions`, CHAT);
    assert.equal(res.status, 200);
    await res.json();
  });

  it("--drain-killed lets in-flight requests finish while new ones are refused", async () => {
    assert.equal((await drainWorld.apply(snap(true))).accepted, true);
    const stream = await openStream(`${drainWorld.base}/doomed/v1/chat/completions`);
    assert.equal((await drainWorld.apply(snap(false))).accepted, true);
    const refused = await postJson(`${drainWorld.base}/doomed/v1/chat/completions`, CHAT);
    assert.equal(refused.status, 404);
    await refused.json();
    const finished = await stream.done;
    assert.equal(finished.clean, true);
    assert.ok(finished.text.includes("data: [DONE]"));
    assert.equal(metricSum(await drainWorld.metrics(), "ai_gateway_killed_requests_total"), 0);
  });
});
