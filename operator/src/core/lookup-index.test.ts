import assert from "node:assert/strict";
import { test } from "node:test";
import { lookupAll, lookupFirst } from "./lookup-index.ts";

const byNs = (o: { ns: string }) => o.ns;
const byName = (o: { name: string }) => o.name;

test("lookups give what find/filter over the list give, per key function", () => {
  const list = [
    { ns: "a", name: "x" },
    { ns: "b", name: "y" },
    { ns: "a", name: "z" },
  ];
  assert.deepEqual(
    lookupAll(list, byNs, "a"),
    list.filter((o) => o.ns === "a"),
  );
  assert.equal(lookupFirst(list, byNs, "a"), list[0]);
  assert.equal(lookupFirst(list, byName, "z"), list[2]);
  assert.deepEqual(lookupAll(list, byNs, "c"), []);
  assert.equal(lookupFirst([...list], byName, "y"), list[1]);
});
