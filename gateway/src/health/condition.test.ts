import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConditionError, isUnhealthy, parseCondition } from "./condition.ts";

const unhealthy = (src: string, code: number | undefined): boolean =>
  isUnhealthy(parseCondition(src), { code });

describe("unhealthyCondition subset", () => {
  it("default (no condition): a 5xx or no response is unhealthy, anything else is not", () => {
    assert.equal(isUnhealthy(undefined, { code: 503 }), true);
    assert.equal(isUnhealthy(undefined, { code: 500 }), true);
    assert.equal(isUnhealthy(undefined, { code: undefined }), true);
    assert.equal(isUnhealthy(undefined, { code: 429 }), false);
    assert.equal(isUnhealthy(undefined, { code: 200 }), false);
  });

  it("compares response.code with every operator, on either side", () => {
    assert.equal(unhealthy("response.code >= 500", 500), true);
    assert.equal(unhealthy("response.code >= 500", 499), false);
    assert.equal(unhealthy("response.code == 429", 429), true);
    assert.equal(unhealthy("response.code != 200", 200), false);
    assert.equal(unhealthy("response.code != 200", 201), true);
    assert.equal(unhealthy("response.code > 500", 500), false);
    assert.equal(unhealthy("response.code < 300", 299), true);
    assert.equal(unhealthy("response.code <= 300", 301), false);
    assert.equal(unhealthy("500 <= response.code", 503), true);
  });

  it("combines with ||, && and ! and respects precedence and parentheses", () => {
    const src = "response.code == 429 || response.code >= 500 && response.code != 501";
    assert.equal(unhealthy(src, 429), true);
    assert.equal(unhealthy(src, 503), true);
    assert.equal(unhealthy(src, 501), false);
    assert.equal(unhealthy(src, 404), false);
    const grouped = "(response.code == 429 || response.code >= 500) && response.code != 503";
    assert.equal(unhealthy(grouped, 503), false);
    assert.equal(unhealthy(grouped, 429), true);
    assert.equal(unhealthy("!(response.code < 500)", 502), true);
    assert.equal(unhealthy("true", 200), true);
    assert.equal(unhealthy("false || response.code==503", 503), true);
  });

  it("without a response, response.code is a CEL error: false unless || finds a true", () => {
    assert.equal(unhealthy("response.code >= 500", undefined), false);
    assert.equal(unhealthy("!(response.code < 500)", undefined), false);
    assert.equal(unhealthy("response.code >= 500 || true", undefined), true);
    assert.equal(unhealthy("response.code >= 500 && false", undefined), false);
  });

  it("refuses everything outside the subset, naming what it does not know", () => {
    const cases: [string, RegExp][] = [
      ["response.status >= 500", /'response\.status' at offset 0$/],
      ["response.code >= 500 || request.path == '/x'", /'request\.path' at offset 24$/],
      ["response.codes > 1", /'response\.codes' at offset 0$/],
      ["response.code in [500, 503]", /'in' at offset 14$/],
      ["response.code >= 5.0", /'5\.0' at offset 17$/],
      ["response.code", /expected a comparison/],
      ["response.code >= ", /expected response\.code or an integer, found end of expression/],
      ["(response.code >= 500", /expected '\)'/],
      ["response.code >= 500)", /unexpected '\)' at offset 20/],
      ["500 == 500", /must name response\.code/],
      ["", /empty expression/],
      ["response.code >= 500 ? true : false", /'\?' at offset 21$/],
      [`${"(".repeat(40)}true${")".repeat(40)}`, /nested deeper than 32/],
      [`${"true || ".repeat(200)}true`, /longer than 1024 characters/],
    ];
    for (const [src, msg] of cases) {
      assert.throws(
        () => parseCondition(src),
        (err: unknown) => err instanceof ConditionError && msg.test(err.message),
        src,
      );
    }
  });

  it("parses a long flat expression in linear time", () => {
    const src = Array.from({ length: 60 }, (_, i) => `response.code == ${500 + i}`)
      .join(" || ")
      .slice(0, 1024);
    const cut = src.slice(0, src.lastIndexOf(" ||"));
    const c = parseCondition(cut);
    assert.equal(isUnhealthy(c, { code: 510 }), true);
    assert.equal(isUnhealthy(c, { code: 200 }), false);
  });
});
