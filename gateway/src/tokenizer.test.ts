import assert from "node:assert/strict";
import { test } from "node:test";

test("the proxy does not load the o200k tokenizer until something counts tokens", async () => {
  const { startProxy } = await import("./main.ts");
  const { countTokens, preloadTokenizer, tokenizerLoaded } = await import("./tokenizer.ts");
  assert.equal(typeof startProxy, "function");
  assert.equal(tokenizerLoaded(), false, "loading the proxy loaded gpt-tokenizer (65 MiB)");
  preloadTokenizer();
  await new Promise((r) => setImmediate(r));
  assert.equal(tokenizerLoaded(), true);
  assert.equal(countTokens("hello world"), 2);
});
