import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Simulator, simulatedReplyText, startSimulator } from "./index.ts";
import { postJson, waitFor } from "./testing.ts";

// No timing assertions: latency is set far beyond any test's life, and the tests check what has
// (and has not) arrived when the client gives up.
const FOREVER_MS = 600_000;
const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }] };

describe("simulator: latency", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ chunks: 3 });
  });
  after(() => sim.close());

  it("holds the first byte back for ttftMs (streaming or not)", async () => {
    sim.setLatency({ ttftMs: FOREVER_MS });
    try {
      for (const stream of [false, true]) {
        sim.reset();
        const ac = new AbortController();
        const pending = fetch(`${sim.url}/v1/chat/completions`, {
          method: "POST",
          body: JSON.stringify({ ...chat, stream }),
          signal: ac.signal,
        });
        const rec = await waitFor(() => sim.lastRequest(), "the request to be recorded");
        ac.abort();
        await assert.rejects(
          pending,
          (e: unknown) => (e as Error).name === "AbortError",
          "no headers arrived",
        );
        await waitFor(() => rec.aborted, "the abort to be recorded");
      }
    } finally {
      sim.setLatency({ ttftMs: 0 });
    }
    assert.equal((await postJson(`${sim.url}/v1/chat/completions`, chat)).status, 200);
  });

  it("spaces stream chunks by interTokenMs and flushes each chunk at once", async () => {
    sim.setLatency({ interTokenMs: FOREVER_MS });
    const ac = new AbortController();
    try {
      const res = await fetch(`${sim.url}/v1/chat/completions`, {
        method: "POST",
        body: JSON.stringify({ ...chat, stream: true }),
        signal: ac.signal,
      });
      const reader = res.body?.getReader();
      assert.ok(reader);
      let received = "";
      while (!received.includes(JSON.stringify(simulatedReplyText(1)))) {
        const { value, done } = await reader.read();
        assert.equal(done, false, "the stream must not end before the second chunk");
        received += Buffer.from(value ?? []).toString();
      }
      ac.abort();
      assert.equal(received.includes(JSON.stringify(" from")), false, "the second chunk is still waiting");
      const rec = sim.lastRequest();
      await waitFor(() => rec?.aborted, "the abort to be recorded");
    } finally {
      sim.setLatency({ interTokenMs: 0 });
    }
  });

  it("rejects negative latency", () => {
    assert.throws(() => sim.setLatency({ ttftMs: -1 }));
  });
});
