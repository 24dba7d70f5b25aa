import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { zodToJsonSchema } from "./crd.ts";
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";
import type { SchemaNode } from "./schema-node.ts";
import { toStructural } from "./structural.ts";
import { assertStructural } from "./validate.ts";

const convert = (schema: z.ZodType): SchemaNode => toStructural(zodToJsonSchema(schema, "test"));

function assertFails(fn: () => unknown, code: CrdGenErrorCode, text?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CrdGenError, `expected CrdGenError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (text) assert.match(err.message, text);
    return true;
  });
}

/** Independent of validate.ts: collect every schema node with its path. */
function nodes(node: SchemaNode, path = "$"): [string, SchemaNode][] {
  const out: [string, SchemaNode][] = [[path, node]];
  const props = node.properties as Record<string, SchemaNode> | undefined;
  for (const [key, child] of Object.entries(props ?? {})) out.push(...nodes(child, `${path}.${key}`));
  if (node.items) out.push(...nodes(node.items as SchemaNode, `${path}[]`));
  if (typeof node.additionalProperties === "object")
    out.push(...nodes(node.additionalProperties as SchemaNode, `${path}{}`));
  return out;
}

describe("toStructural: plain schemas", () => {
  it("keeps descriptions and validation keywords", () => {
    const out = convert(
      z.object({
        name: z
          .string()
          .min(1)
          .max(63)
          .regex(/^[a-z]+$/)
          .meta({ description: "The name." }),
        port: z.number().int().min(1).max(65535),
        mode: z.enum(["A", "B"]),
        tags: z.array(z.string()).min(1).max(4),
        ratio: z.number().gt(0),
      }),
    );
    const props = out.properties as Record<string, SchemaNode>;
    assert.deepEqual(props.name, {
      description: "The name.",
      type: "string",
      pattern: "^[a-z]+$",
      minLength: 1,
      maxLength: 63,
    });
    assert.deepEqual(props.port, { type: "integer", minimum: 1, maximum: 65535 });
    assert.deepEqual(props.mode, { type: "string", enum: ["A", "B"] });
    assert.deepEqual(props.tags, { type: "array", items: { type: "string" }, minItems: 1, maxItems: 4 });
    assert.deepEqual(props.ratio, { type: "number", minimum: 0, exclusiveMinimum: true });
    assert.deepEqual(out.required, ["name", "port", "mode", "tags", "ratio"]);
  });

  it("drops zod's safe-integer bounds but keeps real ones", () => {
    const props = convert(z.object({ a: z.number().int(), b: z.number().int().min(0) })).properties as Record<
      string,
      SchemaNode
    >;
    assert.deepEqual(props.a, { type: "integer" });
    assert.deepEqual(props.b, { type: "integer", minimum: 0 });
  });

  it("drops additionalProperties: false (the apiserver prunes instead)", () => {
    const out = convert(z.strictObject({ a: z.string() }));
    assert.equal("additionalProperties" in out, false);
    assert.deepEqual(out, { type: "object", properties: { a: { type: "string" } }, required: ["a"] });
  });

  it("maps free-form records and unknown values to x-kubernetes-preserve-unknown-fields", () => {
    const props = convert(
      z.object({
        anything: z.record(z.string(), z.unknown()),
        loose: z.looseObject({ a: z.string() }),
        raw: z.unknown(),
        labels: z.record(z.string(), z.string()),
      }),
    ).properties as Record<string, SchemaNode>;
    assert.deepEqual(props.anything, { type: "object", "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(props.loose, {
      type: "object",
      properties: { a: { type: "string" } },
      required: ["a"],
      "x-kubernetes-preserve-unknown-fields": true,
    });
    assert.deepEqual(props.raw, { "x-kubernetes-preserve-unknown-fields": true });
    assert.deepEqual(props.labels, { type: "object", additionalProperties: { type: "string" } });
  });

  it("passes x-kubernetes-validations from .meta() through", () => {
    const rule = { rule: "self.a != self.b", message: "a and b differ" };
    const out = convert(
      z.object({ a: z.string(), b: z.string() }).meta({ "x-kubernetes-validations": [rule] }),
    );
    assert.deepEqual(out["x-kubernetes-validations"], [rule]);
  });

  it("rejects malformed x-kubernetes-validations", () => {
    const bad = z.object({ a: z.string() }).meta({ "x-kubernetes-validations": [{ message: "no rule" }] });
    assertFails(() => convert(bad), CrdGenErrorCode.Validation, /rule/);
  });

  it("drops zod-only formats it also wrote a pattern for, keeps the ones the apiserver knows", () => {
    const props = convert(z.object({ p: z.string().startsWith("/"), u: z.url(), e: z.email() }))
      .properties as Record<string, SchemaNode>;
    assert.deepEqual(props.p, { type: "string", pattern: "^\\/.*" });
    assert.equal(props.u?.format, "uri");
    assert.equal(props.e?.format, "email");
  });

  it("fails on a format the apiserver does not know and nothing enforces", () => {
    assertFails(() => toStructural({ type: "string", format: "starts_with" }), CrdGenErrorCode.Format);
  });

  it("fails on patterns RE2 cannot run", () => {
    assertFails(() => convert(z.string().regex(/^(?!x)/)), CrdGenErrorCode.Pattern, /lookaround/);
    assertFails(() => convert(z.string().regex(/(a)\1/)), CrdGenErrorCode.Pattern, /backreference/);
  });

  it("fails on keywords a CRD cannot hold", () => {
    assertFails(
      () => toStructural({ type: "string", not: { enum: ["x"] } }),
      CrdGenErrorCode.UnsupportedKeyword,
      /not/,
    );
    assertFails(() => convert(z.tuple([z.string(), z.number()])), CrdGenErrorCode.Union, /string \| number/);
    assertFails(
      () => toStructural({ type: "array", items: [{ type: "string" }] }),
      CrdGenErrorCode.Untyped,
      /tuple/,
    );
    assertFails(() => toStructural({ type: "array" }), CrdGenErrorCode.Untyped, /items/);
    assertFails(
      () =>
        toStructural({
          type: "object",
          properties: { a: { type: "string" } },
          additionalProperties: { type: "string" },
        }),
      CrdGenErrorCode.Conflict,
    );
  });

  it("fails on types JSON Schema from zod cannot carry, naming the schema", () => {
    assertFails(() => convert(z.object({ when: z.date() })), CrdGenErrorCode.Zod, /Date/);
  });

  it("fails on an untyped node that still has constraints", () => {
    assertFails(() => toStructural({ enum: ["a", 1] }), CrdGenErrorCode.Untyped);
  });
});

describe("toStructural: refs", () => {
  it("rejects $ref produced by a schema with an id", () => {
    const Shared = z.object({ a: z.string() }).meta({ id: "Shared" });
    assertFails(() => convert(z.object({ x: Shared, y: Shared })), CrdGenErrorCode.Ref, /inline/);
  });

  it("rejects $ref, $defs and definitions anywhere, naming the path", () => {
    assertFails(
      () => toStructural({ type: "object", properties: { spec: { $ref: "#/definitions/Spec" } } }),
      CrdGenErrorCode.Ref,
      /at spec:/,
    );
    assertFails(() => toStructural({ type: "object", $defs: {} }), CrdGenErrorCode.Ref);
    assertFails(() => toStructural({ type: "object", definitions: {} }), CrdGenErrorCode.Ref);
  });
});

describe("toStructural: unions", () => {
  it("flattens a union of objects into one object with a one-of rule", () => {
    const out = convert(
      z.union([z.object({ key: z.string() }), z.object({ secretRef: z.object({ name: z.string() }) })]).meta({
        description: "Credential.",
      }),
    );
    assert.equal(out.type, "object");
    assert.equal(out.description, "Credential.");
    assert.deepEqual(Object.keys(out.properties as object), ["key", "secretRef"]);
    assert.equal(out.required, undefined);
    assert.deepEqual(out["x-kubernetes-validations"], [
      {
        rule: "[has(self.key), has(self.secretRef)].filter(x, x).size() == 1",
        message: "exactly one of key, secretRef must be set",
      },
    ]);
    assertStructural(out);
  });

  it("requires a branch's other required fields once that branch is chosen", () => {
    const out = convert(
      z.union([
        z.object({ azure: z.string(), deployment: z.string(), model: z.string().optional() }),
        z.object({ openai: z.string(), model: z.string().optional() }),
      ]),
    );
    assert.deepEqual(out["x-kubernetes-validations"], [
      {
        rule: "[(has(self.azure) || has(self.deployment)), has(self.openai)].filter(x, x).size() == 1",
        message: "exactly one of azure or deployment, openai must be set",
      },
      {
        rule: "!(has(self.azure) || has(self.deployment)) || (has(self.azure) && has(self.deployment))",
        message: "azure, deployment must be set together with azure or deployment",
      },
    ]);
  });

  it("guards a branch's own rules by that branch", () => {
    const A = z
      .object({ a: z.string() })
      .meta({ "x-kubernetes-validations": [{ rule: "self.a != 'x'", message: "not x" }] });
    const out = convert(z.union([A, z.object({ b: z.string() })]));
    const rules = out["x-kubernetes-validations"] as { rule: string }[];
    assert.equal(rules[1]?.rule, "!has(self.a) || (self.a != 'x')");
  });

  it("turns a discriminated union into an enum plus per-value rules", () => {
    const out = convert(
      z.discriminatedUnion("type", [
        z.object({ type: z.literal("Inline"), token: z.string() }),
        z.object({ type: z.literal("SecretRef"), secretRef: z.object({ name: z.string() }) }),
        z.object({ type: z.literal("Passthrough") }),
      ]),
    );
    const props = out.properties as Record<string, SchemaNode>;
    assert.deepEqual(props.type, { type: "string", enum: ["Inline", "SecretRef", "Passthrough"] });
    assert.deepEqual(out.required, ["type"]);
    assert.deepEqual(out["x-kubernetes-validations"], [
      {
        rule: "!(self.type == 'Inline') || (has(self.token) && !has(self.secretRef))",
        message: "when type is Inline: token must be set; secretRef must not be set",
      },
      {
        rule: "!(self.type == 'SecretRef') || (has(self.secretRef) && !has(self.token))",
        message: "when type is SecretRef: secretRef must be set; token must not be set",
      },
      {
        rule: "!(self.type == 'Passthrough') || (!has(self.token) && !has(self.secretRef))",
        message: "when type is Passthrough: token, secretRef must not be set",
      },
    ]);
    assertStructural(out);
  });

  it("merges unions of literals into one enum", () => {
    assert.deepEqual(convert(z.union([z.literal("a"), z.literal("b"), z.enum(["b", "c"])])), {
      type: "string",
      enum: ["a", "b", "c"],
    });
  });

  it("maps string | integer to x-kubernetes-int-or-string", () => {
    assert.deepEqual(convert(z.union([z.string(), z.number().int()])), {
      "x-kubernetes-int-or-string": true,
    });
  });

  it("turns a null branch into nullable", () => {
    assert.deepEqual(convert(z.union([z.string().min(1), z.null()])), {
      type: "string",
      minLength: 1,
      nullable: true,
    });
  });

  it("fails on unions a CRD cannot express", () => {
    assertFails(
      () => convert(z.union([z.string(), z.object({ a: z.string() })])),
      CrdGenErrorCode.Union,
      /string \| object/,
    );
    assertFails(() => convert(z.union([z.string().min(2), z.string().max(1)])), CrdGenErrorCode.Union);
  });

  it("fails when union branches disagree on a shared property", () => {
    assertFails(
      () =>
        convert(
          z.union([z.object({ a: z.string(), x: z.string() }), z.object({ b: z.string(), x: z.number() })]),
        ),
      CrdGenErrorCode.Conflict,
      /\.x/,
    );
  });

  it("fails when a branch has nothing of its own to recognise it by", () => {
    assertFails(
      () => convert(z.union([z.object({ a: z.string() }), z.object({ a: z.string(), b: z.string() })])),
      CrdGenErrorCode.Union,
      /no property of its own/,
    );
  });

  it("merges intersections of objects", () => {
    const out = convert(z.object({ a: z.string() }).and(z.object({ b: z.number().optional() })));
    assert.deepEqual(out, {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "number" } },
      required: ["a"],
    });
  });
});

describe("toStructural: every node typed", () => {
  it("leaves no untyped node unless it is explicitly free-form", () => {
    const out = convert(
      z.object({
        u: z.union([
          z.object({ a: z.string() }),
          z.object({ b: z.array(z.record(z.string(), z.unknown())) }),
        ]),
        any: z.unknown(),
        n: z.number().nullable(),
      }),
    );
    for (const [path, node] of nodes(out)) {
      const freeForm =
        node["x-kubernetes-preserve-unknown-fields"] === true || node["x-kubernetes-int-or-string"] === true;
      assert.ok(typeof node.type === "string" || freeForm, `${path} has no type`);
      for (const key of ["$ref", "anyOf", "oneOf", "allOf", "$schema", "definitions"])
        assert.equal(key in node, false);
    }
  });
});
