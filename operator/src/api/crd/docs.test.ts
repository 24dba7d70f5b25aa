import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { renderCrdReference } from "./docs.ts";
import { AIROUTE_CRD, CRD_KINDS, type CrdKind } from "./kinds.ts";

const text = renderCrdReference(CRD_KINDS);
const rows = text.split("\n").filter((line) => line.startsWith("| `spec") || line.startsWith("| `status"));

function row(path: string): string[] {
  const line = rows.find((r) => r.startsWith(`| \`${path}\` |`));
  assert.ok(line, `no row for ${path}`);
  return cells(line);
}

/** Split a table row on unescaped pipes. */
function cells(line: string): string[] {
  return line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe("renderCrdReference", () => {
  it("has a section per kind with its names and columns", () => {
    for (const kind of CRD_KINDS) {
      assert.match(text, new RegExp(`^## ${kind.kind}$`, "m"));
      assert.ok(text.includes(`short \`${kind.shortNames[0]}\``));
      for (const column of kind.printerColumns) assert.ok(text.includes(`| ${column.name} |`), column.name);
    }
  });

  it("lists fields with type, required, description and validation", () => {
    assert.deepEqual(row("spec.ai.provider.port"), [
      "`spec.ai.provider.port`",
      "integer",
      "no",
      "Override the provider's port (default 80 over plain HTTP, 443 with policies.tls).",
      "1–65535",
    ]);
    assert.deepEqual(row("spec.ai.groups[].providers[].name").slice(1, 3), ["string", "yes"]);
    assert.equal(row("spec.ai.groups[].providers[].name")[4], "1–63 characters");
    assert.equal(row("spec.rules")[1], "[]object");
    assert.equal(
      row("spec.policies.auth")[4],
      "set credentials, or exactly one of key, secretRef, passthrough, gcp, aws, azure (credentials may be combined with it); location may only be set for key, secretRef, or passthrough auth; location and header are mutually exclusive; oauthTokenExchange: not supported by ai-gateway; crossAppAccess: not supported by ai-gateway; jwtSign: not supported by ai-gateway",
    );
    assert.equal(row("spec.rules[].matches[].path.type")[4], "one of `PathPrefix`, `Exact`");
  });

  it("escapes pipes so every row keeps five cells", () => {
    assert.ok(rows.length > 40);
    for (const line of rows) assert.equal(cells(line).length, 5, line);
    assert.equal(row("spec.rules[].timeouts.request")[4], "matches `^([0-9]{1,5}(h\\|m\\|s\\|ms)){1,4}$`");
  });

  it("names maps, free-form fields and defaults", () => {
    const kind: CrdKind = {
      ...AIROUTE_CRD,
      kind: "Doc",
      schema: z.object({
        spec: z.object({
          labels: z.record(z.string(), z.string()).optional(),
          extra: z.record(z.string(), z.unknown()).optional(),
          mode: z.string().default("fast"),
          count: z.number().int().min(0).optional(),
        }),
      }),
    };
    const doc = renderCrdReference([kind]);
    assert.ok(doc.includes("| `spec.labels` | map[string]string | no |"));
    assert.ok(doc.includes("| `spec.extra` | object (free-form) | no |"));
    assert.ok(doc.includes('| `spec.mode` | string | no |  | default `"fast"` |'));
    assert.ok(doc.includes("| `spec.count` | integer | no |  | ≥ 0 |"));
  });

  it("is deterministic", () => {
    assert.equal(renderCrdReference(CRD_KINDS), text);
  });
});
