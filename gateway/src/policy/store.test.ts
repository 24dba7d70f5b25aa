// The CounterStore contract, run against the local store and a real redis-server.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type RedisServer, startRedis } from "./redis-server.ts";
import { RedisCounterStore } from "./redis-store.ts";
import { type CounterStore, LocalCounterStore } from "./store.ts";

function contract(name: string, make: () => CounterStore) {
  describe(name, () => {
    let store: CounterStore;
    before(async () => {
      store = make();
      await store.ready(5_000);
    });
    after(() => store.close());

    test("reserve is all or nothing and names the first counter that does not fit", async () => {
      const k = `${name}-a-${Date.now()}`;
      const items = [
        { key: `${k}-1`, amount: 600, limit: 1000, ttlMs: 60_000 },
        { key: `${k}-2`, amount: 1, limit: 2, ttlMs: 60_000 },
      ];
      assert.deepEqual(await store.reserve(items), { ok: true, values: [600, 1] });
      assert.deepEqual(await store.reserve(items), { ok: false, refused: 0, value: 600 });
      assert.deepEqual(await store.read([`${k}-1`, `${k}-2`]), [600, 1]);
      await store.adjust([{ key: `${k}-1`, delta: -500, ttlMs: 60_000 }]);
      assert.deepEqual(await store.reserve(items), { ok: true, values: [700, 2] });
      const small = items.map((it) => ({ ...it, amount: 1 }));
      assert.deepEqual(await store.reserve(small), { ok: false, refused: 1, value: 2 });
      assert.deepEqual(await store.read([`${k}-1`]), [700], "nothing added when one counter refuses");
    });

    test("a zero amount always passes (settling may push a counter over its limit)", async () => {
      const k = `${name}-z-${Date.now()}`;
      await store.adjust([{ key: k, delta: 1500, ttlMs: 60_000 }]);
      assert.deepEqual(await store.reserve([{ key: k, amount: 0, limit: 1000, ttlMs: 60_000 }]), {
        ok: true,
        values: [1500],
      });
      assert.equal((await store.reserve([{ key: k, amount: 1, limit: 1000, ttlMs: 60_000 }])).ok, false);
    });

    test("counters expire with their window", async () => {
      const k = `${name}-t-${Date.now()}`;
      await store.reserve([{ key: k, amount: 5, limit: 10, ttlMs: 150 }]);
      await new Promise((r) => setTimeout(r, 400));
      assert.deepEqual(await store.read([k]), [0]);
    });
  });
}

contract("local", () => new LocalCounterStore());

let redis: RedisServer;
before(async () => {
  redis = await startRedis();
});
after(async () => {
  await redis?.stop();
});
contract("redis", () => new RedisCounterStore({ url: redis.url, password: redis.password }));

test("redis: counters survive a redis restart (appendonly) and a wrong password fails", async () => {
  const store = new RedisCounterStore({ url: redis.url, password: redis.password });
  await store.ready(5_000);
  await store.reserve([{ key: "persist", amount: 42, limit: 100, ttlMs: 600_000 }]);
  await store.close();
  await redis.restart();
  const again = new RedisCounterStore({ url: redis.url, password: redis.password });
  await again.ready(5_000);
  assert.deepEqual(await again.read(["persist"]), [42]);
  await again.close();
  const wrong = new RedisCounterStore({ url: redis.url, password: "nope" });
  await assert.rejects(wrong.ready(2_000));
  await assert.rejects(wrong.read(["persist"]));
  await wrong.close();
});
