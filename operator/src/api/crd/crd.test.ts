import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { z } from "zod";
import { buildCrd, crdFileName, crdSchema, renderCrdYaml } from "./crd.ts";
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";
import { AGENTGATEWAY_BACKEND_CRD, AIROUTE_CRD, CRD_KINDS, type CrdKind } from "./kinds.ts";
import { applyOverrides } from "./overrides.ts";
import type { SchemaNode } from "./schema-node.ts";
import { assertStructural } from "./validate.ts";

function assertFails(fn: () => unknown, code: CrdGenErrorCode, text?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof CrdGenError, `expected CrdGenError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (text) assert.match(err.message, text);
    return true;
  });
}

function at(node: SchemaNode, path: string): SchemaNode {
  let current = node;
  for (const segment of path.split(".")) {
    const props = current.properties as Record<string, SchemaNode>;
    const isArray = segment.endsWith("[]");
    const next = props[isArray ? segment.slice(0, -2) : segment];
    assert.ok(next, `no ${segment} in ${path}`);
    current = isArray ? (next.items as SchemaNode) : next;
  }
  return current;
}

function kindWith(schema: z.ZodType, overrides: CrdKind["overrides"] = []): CrdKind {
  return { ...AIROUTE_CRD, kind: "Test", schema, overrides };
}

describe("crdSchema of our kinds", () => {
  for (const kind of CRD_KINDS) {
    it(`${kind.kind}: root follows the apiserver's metadata rules`, () => {
      const schema = crdSchema(kind);
      const props = schema.properties as Record<string, SchemaNode>;
      assert.deepEqual(props.metadata, { type: "object" });
      assert.equal(props.apiVersion?.type, "string");
      assert.equal(props.kind?.type, "string");
      assert.equal("enum" in (props.kind ?? {}), false);
      assert.deepEqual(schema.required, ["spec"]);
      assert.equal(schema.description, kind.description);
    });

    it(`${kind.kind}: the example in the docs passes the zod schema`, () => {
      kind.schema.parse(kind.example);
    });
  }

  it("carries the one-of CEL rules of the backend schema", () => {
    const schema = crdSchema(AGENTGATEWAY_BACKEND_CRD);
    const rules = (path: string) =>
      (at(schema, path)["x-kubernetes-validations"] as { rule: string }[]).map((r) => r.rule);
    assert.deepEqual(rules("spec.ai"), ["[has(self.provider), has(self.groups)].filter(x, x).size() == 1"]);
    const kinds =
      "[has(self.key), has(self.secretRef), has(self.passthrough), has(self.gcp), has(self.aws), has(self.azure)].filter(x, x).size()";
    assert.deepEqual(rules("spec.policies.auth"), [
      `${kinds} == 1 || (${kinds} == 0 && has(self.credentials))`,
      "has(self.location) ? has(self.key) || has(self.secretRef) || has(self.passthrough) : true",
      "!(has(self.location) && has(self.header))",
      // upstream auth methods we do not support: declared so they are refused, never pruned
      "!has(self.oauthTokenExchange)",
      "!has(self.crossAppAccess)",
      "!has(self.jwtSign)",
    ]);
    assert.deepEqual(rules("spec.policies.auth.location"), [
      "[has(self.header), has(self.queryParameter), has(self.cookie)].filter(x, x).size() == 1",
    ]);
    // a group entry carries the provider one-of and the path/pathPrefix rules of a provider
    assert.deepEqual(rules("spec.ai.groups[].providers[]"), rules("spec.ai.provider"));
    assert.equal(
      rules("spec.ai.provider")[0],
      "[has(self.openai), has(self.azureopenai), has(self.azure), has(self.gemini), has(self.anthropic), has(self.vertexai), has(self.bedrock), has(self.custom)].filter(x, x).size() == 1",
    );
  });

  it("bounds the lists the provider rules run in (CEL cost)", () => {
    const schema = crdSchema(AGENTGATEWAY_BACKEND_CRD);
    assert.equal(at(schema, "spec.ai.groups").maxItems, 16);
    assert.equal(at(schema, "spec.ai.groups[].providers").maxItems, 16);
  });

  it("keeps the route's validation keywords", () => {
    const schema = crdSchema(AIROUTE_CRD);
    assert.equal(at(schema, "spec.rules[].timeouts.request").pattern, "^([0-9]{1,5}(h|m|s|ms)){1,4}$");
    const backendRefs = at(schema, "spec.rules[].backendRefs");
    assert.deepEqual([backendRefs.minItems, backendRefs.maxItems], [1, 16]);
    assert.deepEqual(at(schema, "spec.rules[]").required, ["backendRefs"]);
    assert.equal(at(schema, "spec.parentRefs[].port").minimum, 1);
  });
});

describe("buildCrd", () => {
  it("names, scope, status subresource and printer columns", () => {
    const crd = buildCrd(AGENTGATEWAY_BACKEND_CRD) as {
      metadata: { name: string };
      spec: {
        group: string;
        scope: string;
        names: Record<string, unknown>;
        versions: {
          name: string;
          served: boolean;
          storage: boolean;
          subresources: unknown;
          additionalPrinterColumns: { name: string; jsonPath: string }[];
        }[];
      };
    };
    assert.equal(crd.metadata.name, "agentgatewaybackends.agentgateway.dev");
    assert.equal(crd.spec.group, "agentgateway.dev");
    assert.equal(crd.spec.scope, "Namespaced");
    assert.deepEqual(crd.spec.names.shortNames, ["agbe"]);
    const [version] = crd.spec.versions;
    assert.ok(version);
    assert.equal(version.name, "v1alpha1");
    assert.equal(version.served && version.storage, true);
    assert.deepEqual(version.subresources, { status: {} });
    assert.deepEqual(
      version.additionalPrinterColumns.map((c) => c.name),
      ["Provider", "Model", "Accepted", "Age"],
    );
    const accepted = version.additionalPrinterColumns.find((c) => c.name === "Accepted");
    assert.equal(accepted?.jsonPath, '.status.conditions[?(@.type=="Accepted")].status');
  });

  it("route columns read parentRefs names and the parents' Accepted condition", () => {
    const crd = buildCrd(AIROUTE_CRD) as {
      spec: {
        names: { shortNames: string[] };
        versions: { additionalPrinterColumns: { name: string; jsonPath: string }[] }[];
      };
    };
    assert.deepEqual(crd.spec.names.shortNames, ["air"]);
    const columns = crd.spec.versions[0]?.additionalPrinterColumns ?? [];
    assert.deepEqual(
      columns.map((c) => [c.name, c.jsonPath]),
      [
        ["Gateways", ".spec.parentRefs[*].name"],
        ["Accepted", '.status.parents[*].conditions[?(@.type=="Accepted")].status'],
        ["Age", ".metadata.creationTimestamp"],
      ],
    );
  });

  it("renders deterministic YAML that parses back to the same object", () => {
    for (const kind of CRD_KINDS) {
      const text = renderCrdYaml(kind);
      assert.equal(text, renderCrdYaml(kind));
      assert.match(text, /^---\n# .*\n# Generated by `npm run gen` from operator\/src\/api\//);
      assert.deepEqual(parse(text), buildCrd(kind));
      assert.equal(crdFileName(kind), `agentgateway.dev_${kind.plural}.yaml`);
    }
  });

  it("fails loudly when a schema cannot become a CRD", () => {
    const Shared = z.object({ a: z.string() }).meta({ id: "Shared" });
    assertFails(
      () => crdSchema(kindWith(z.object({ spec: z.object({ x: Shared, y: Shared }) }))),
      CrdGenErrorCode.Ref,
    );
  });
});

describe("overrides", () => {
  const schema = crdSchema(
    kindWith(z.object({ spec: z.object({ list: z.array(z.object({ v: z.string() })) }) })),
  );

  it("adds keywords at a path, arrays marked []", () => {
    const out = applyOverrides(schema, [
      { path: "spec.list", set: { maxItems: 4 }, reason: "test" },
      { path: "spec.list[].v", set: { maxLength: 9 }, reason: "test" },
    ]);
    assert.equal(at(out, "spec.list").maxItems, 4);
    assert.equal(at(out, "spec.list[].v").maxLength, 9);
    assert.equal(at(schema, "spec.list").maxItems, undefined, "the input is not mutated");
  });

  it("fails on a path that does not exist", () => {
    assertFails(
      () => applyOverrides(schema, [{ path: "spec.nope", set: { maxItems: 1 }, reason: "t" }]),
      CrdGenErrorCode.Override,
    );
  });

  it("fails once the zod schema sets the keyword itself", () => {
    const bounded = crdSchema(kindWith(z.object({ spec: z.object({ list: z.array(z.string()).max(3) }) })));
    assertFails(
      () => applyOverrides(bounded, [{ path: "spec.list", set: { maxItems: 3 }, reason: "cost" }]),
      CrdGenErrorCode.Override,
      /delete the override/,
    );
  });
});

describe("assertStructural", () => {
  const rule = (r: string) => ({ "x-kubernetes-validations": [{ rule: r }] });

  it("refuses untyped nodes, leftover unions and a detailed metadata", () => {
    assertFails(
      () => assertStructural({ type: "object", properties: { a: {} } }),
      CrdGenErrorCode.Untyped,
      /at a:/,
    );
    assertFails(
      () => assertStructural({ type: "object", properties: { a: { anyOf: [{ type: "string" }] } } }),
      CrdGenErrorCode.UnsupportedKeyword,
    );
    assertFails(
      () =>
        assertStructural({ type: "object", properties: { metadata: { type: "object", properties: {} } } }),
      CrdGenErrorCode.Conflict,
    );
    assertStructural({ type: "object", properties: { a: { "x-kubernetes-preserve-unknown-fields": true } } });
  });

  it("refuses CEL rules that name a field the node does not have", () => {
    const node = { type: "object", properties: { a: { type: "string" } }, ...rule("has(self.b)") };
    assertFails(() => assertStructural(node), CrdGenErrorCode.Validation, /self\.b/);
  });

  it("refuses CEL rules under a list or map without a bound", () => {
    const item = { type: "object", properties: { a: { type: "string" } }, ...rule("has(self.a)") };
    assertFails(
      () => assertStructural({ type: "object", properties: { list: { type: "array", items: item } } }),
      CrdGenErrorCode.Validation,
      /list has no maxItems/,
    );
    assertFails(
      () =>
        assertStructural({
          type: "object",
          properties: { map: { type: "object", additionalProperties: item } },
        }),
      CrdGenErrorCode.Validation,
      /map has no maxItems\/maxProperties/,
    );
    assertStructural({ type: "object", properties: { list: { type: "array", maxItems: 2, items: item } } });
  });
});
