import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { startSimulator } from "./index.ts";
import { createRecorder, decodeBody, flattenHeaders } from "./recorder.ts";

const req = (path: string) => ({ method: "POST", path, query: {}, headers: {}, body: undefined });

describe("recorder", () => {
  it("keeps the newest requests within the cap, in the same array", () => {
    const r = createRecorder(10);
    const list = r.requests;
    for (let i = 0; i < 100; i++) r.add(req(`/${i}`));
    assert.equal(r.requests, list);
    assert.ok(list.length >= 10 && list.length <= 11, `kept ${list.length}`);
    assert.equal(r.last()?.path, "/99");
    assert.deepEqual(
      list.slice(-10).map((x) => x.path),
      Array.from({ length: 10 }, (_, i) => `/${90 + i}`),
    );
    r.clear();
    assert.equal(list.length, 0);
  });

  it("decodes JSON bodies, keeps other text raw, and leaves empty bodies undefined", () => {
    assert.deepEqual(decodeBody(Buffer.from('{"a":1}')), { a: 1 });
    assert.equal(decodeBody(Buffer.from("a=1&b=2")), "a=1&b=2");
    assert.equal(decodeBody(Buffer.alloc(0)), undefined);
  });

  it("flattens repeated headers", () => {
    assert.deepEqual(flattenHeaders({ "x-a": ["1", "2"], "x-b": "3" }), { "x-a": "1, 2", "x-b": "3" });
  });

  it("bounds what a simulator keeps (maxRecorded)", async () => {
    const sim = await startSimulator({ maxRecorded: 3 });
    try {
      for (let i = 0; i < 12; i++) await fetch(`${sim.url}/v1/models?n=${i}`);
      assert.ok(sim.requests.length <= 4);
      assert.equal(sim.lastRequest()?.query.n, "11");
    } finally {
      await sim.close();
    }
  });
});
