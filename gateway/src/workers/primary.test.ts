import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeWorkerUsage } from "./primary.ts";

test("worker reports merge: a provider any worker ejects is reported once, until the latest end", () => {
  const merged = mergeWorkerUsage([
    { entries: [], unavailable: [], ejected: [{ backend: "ns/b", provider: "a", until: 5_000 }] },
    {
      entries: [],
      unavailable: [],
      ejected: [
        { backend: "ns/b", provider: "z", until: 1_000 },
        { backend: "ns/b", provider: "a", until: 9_000 },
      ],
    },
    { entries: [], unavailable: [] },
  ]);
  assert.deepEqual(merged.ejected, [
    { backend: "ns/b", provider: "a", until: 9_000 },
    { backend: "ns/b", provider: "z", until: 1_000 },
  ]);
  assert.equal(mergeWorkerUsage([{ entries: [], unavailable: [] }]).ejected, undefined, "none: absent");
});
