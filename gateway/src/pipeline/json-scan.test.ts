// The two scans agree: the small-body path (structure + V8's JSON.parse) gives exactly the full
// grammar scan's answer on valid JSON, and refuses whatever it refuses (seeded random documents,
// mutated into invalid ones, plus the hostile shapes).
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_JSON_DEPTH, type ScanError, type ScanResult, scanLarge, scanSmall } from "./json-scan.ts";

const WANTED = new Set(["model", "stream", "stream_options"]);
const ATOMS = [
  '"model"',
  '"stream"',
  '"m\\u006fdel"',
  '"a\\\\"',
  '"\\""',
  "true",
  "false",
  "null",
  "1",
  "-2.5e3",
  '"x"',
  '""',
  '"stream_options"',
  '"é\\n"',
  // as many UTF-8 bytes as "model" and "stream": never taken for them
  '"mödl"',
  '"streä"',
  '"modelx"',
];

/** mulberry32: the same documents on every run. */
function prng(seed: number): (n: number) => number {
  let a = seed;
  return (n) => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * n);
  };
}

function outcome(r: ScanResult | ScanError): unknown {
  if ("kind" in r) return r.kind === "duplicate" ? r : { kind: r.kind };
  return { open: r.open, close: r.close, members: r.members, picked: [...r.picked] };
}

test("small-body scan = full scan on 20,000 random valid and invalid documents", () => {
  const rnd = prng(7);
  const gen = (d: number): string => {
    const k = rnd(d > 4 ? 3 : 6);
    if (k < 3) return ATOMS[rnd(ATOMS.length)] as string;
    if (k === 3) return `[${Array.from({ length: rnd(4) }, () => gen(d + 1)).join(rnd(5) ? "," : " ,\n")}]`;
    return `{${Array.from({ length: rnd(5) }, () => `${ATOMS[rnd(2) ? 0 : rnd(ATOMS.length)]}:${gen(d + 1)}`).join(",")}}`;
  };
  let valid = 0;
  for (let t = 0; t < 20_000; t++) {
    let s = `{${Array.from({ length: rnd(5) }, () => `${ATOMS[rnd(ATOMS.length)]} : ${gen(1)}`).join(",")}}`;
    if (rnd(4) === 0) s = gen(0);
    if (rnd(2) === 0) {
      const i = rnd(s.length + 1);
      const ch = ['"', "\\", "{", "}", "[", "]", ",", ":", " ", "x", "1"][rnd(11)] as string;
      s = rnd(2) ? s.slice(0, i) + ch + s.slice(i) : s.slice(0, i) + s.slice(i + 1);
    }
    const buf = Buffer.from(s);
    const small = outcome(scanSmall(buf, WANTED));
    const large = outcome(scanLarge(buf, WANTED));
    let isJson = true;
    try {
      JSON.parse(s);
    } catch {
      isJson = false;
    }
    if (isJson) {
      valid++;
      assert.deepEqual(small, large, s);
    } else {
      assert.ok(small && typeof small === "object" && "kind" in small, `refused: ${s}`);
      assert.ok(large && typeof large === "object" && "kind" in large, `refused: ${s}`);
    }
  }
  assert.ok(valid > 5_000, `enough valid documents (${valid})`);
});

test("depth is bounded the same way, without building anything deep", () => {
  const at = (levels: number) => Buffer.from(`{"a":${"[".repeat(levels)}${"]".repeat(levels)}}`);
  for (const levels of [MAX_JSON_DEPTH, MAX_JSON_DEPTH + 1, 5_000]) {
    assert.deepEqual(
      outcome(scanSmall(at(levels), WANTED)),
      outcome(scanLarge(at(levels), WANTED)),
      `${levels}`,
    );
  }
  assert.deepEqual(outcome(scanSmall(at(5_000), WANTED)), { kind: "depth" });
});

test("many strings and one backslash at the end: the members are still found", () => {
  const body = Buffer.from(`{"model":"x","e":[${'"a",'.repeat(12_000)}"\\\\"]}`);
  const r = scanSmall(body, WANTED);
  assert.ok(!("kind" in r));
  assert.deepEqual([...r.picked.keys()], ["model"]);
});
