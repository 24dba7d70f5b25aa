import assert from "node:assert/strict";
import { test } from "node:test";
import { checkHeaderRegexes, compileHeaderMatchers, compileModelGlob } from "./matchers.ts";

/** The backtracking reference the glob matcher replaced (for equivalence on small inputs only). */
function referenceGlob(glob: string): RegExp {
  const escaped = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${escaped}$`, "s");
}

test("model globs match exactly what the anchored '*' pattern matches", () => {
  const globs = ["gpt-*", "*-preview", "gpt-*-*-preview", "a*a*a", "*", "**", "a**b", "x", "*a*", "?*"];
  const alphabet = ["a", "b", "-", "gpt", "preview", "?", "x"];
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let k = 0; k < 3000; k++) {
    let s = "";
    const len = rnd(6);
    for (let j = 0; j < len; j++) s += alphabet[rnd(alphabet.length)];
    for (const g of globs) {
      assert.equal(compileModelGlob(g)(s), referenceGlob(g).test(s), `${g} vs ${JSON.stringify(s)}`);
    }
  }
  assert.equal(compileModelGlob("gpt-4o")(undefined), false);
  assert.equal(compileModelGlob("*")(undefined), true);
});

test("a glob against a 40 kB hostile model is linear (was 1.2 s with a RegExp)", () => {
  const m = compileModelGlob("gpt-*-*-preview");
  const hostile = `gpt-${"-".repeat(40_000)}x`;
  const started = performance.now();
  for (let i = 0; i < 10; i++) assert.equal(m(hostile), false);
  const ms = performance.now() - started;
  assert.ok(ms < 200, `10 matches took ${ms.toFixed(1)} ms`);
});

test("header regexes run in linear time: ^(a+)+$ on a crafted value returns at once", () => {
  const [match] = compileHeaderMatchers([{ name: "X-T", type: "RegularExpression", value: "(a+)+" }]);
  assert.ok(match);
  const value = `${"a".repeat(30)}!`;
  const started = performance.now();
  assert.equal(
    match((n) => (n === "x-t" ? value : undefined)),
    false,
  );
  assert.equal(
    match((n) => (n === "x-t" ? "aaaa" : undefined)),
    true,
  );
  const ms = performance.now() - started;
  assert.ok(ms < 200, `took ${ms.toFixed(1)} ms`);
});

test("regexes the linear engine cannot run, too long or invalid are refused with a reason", () => {
  assert.match(
    checkHeaderRegexes([{ name: "x", type: "RegularExpression", value: "(a)\\1" }]) ?? "",
    /linear time/,
  );
  assert.match(
    checkHeaderRegexes([{ name: "x", type: "RegularExpression", value: "(?=a)a" }]) ?? "",
    /linear time/,
  );
  assert.match(
    checkHeaderRegexes([{ name: "x", type: "RegularExpression", value: "(" }]) ?? "",
    /invalid regular expression/,
  );
  assert.match(
    checkHeaderRegexes([{ name: "x", type: "RegularExpression", value: "a".repeat(1025) }]) ?? "",
    /longer than 1024/,
  );
  assert.equal(
    checkHeaderRegexes([{ name: "x", type: "RegularExpression", value: "v[0-9]+|beta" }]),
    undefined,
  );
});
