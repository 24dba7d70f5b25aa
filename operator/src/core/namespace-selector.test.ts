import assert from "node:assert/strict";
import { test } from "node:test";
import type { Namespace } from "../api/gateway-api.ts";
import { namespaceAllowed, selectorMatches } from "./namespace-selector.ts";

const ns = (name: string, labels: Record<string, string> = {}): Namespace => ({
  apiVersion: "v1",
  kind: "Namespace",
  metadata: { name, labels },
});
const namespaces = [ns("ml", { team: "ml", tier: "gold" }), ns("web", { team: "web" })];

test("Same is the default; All allows every namespace", () => {
  assert.equal(namespaceAllowed(undefined, "gw", "gw", namespaces), true);
  assert.equal(namespaceAllowed(undefined, "gw", "ml", namespaces), false);
  assert.equal(namespaceAllowed({ from: "Same" }, "gw", "ml", namespaces), false);
  assert.equal(namespaceAllowed({ from: "All" }, "gw", "ml", namespaces), true);
});

test("Selector: matchLabels and matchExpressions against namespace labels", () => {
  const byTeam = { from: "Selector" as const, selector: { matchLabels: { team: "ml" } } };
  assert.equal(namespaceAllowed(byTeam, "gw", "ml", namespaces), true);
  assert.equal(namespaceAllowed(byTeam, "gw", "web", namespaces), false);
  assert.equal(namespaceAllowed(byTeam, "gw", "unknown", namespaces), false);
  const byName = {
    from: "Selector" as const,
    selector: {
      matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["unknown"] }],
    },
  };
  assert.equal(
    namespaceAllowed(byName, "gw", "unknown", namespaces),
    true,
    "metadata.name label is implicit",
  );
});

test("Selector without a selector selects nothing", () => {
  assert.equal(namespaceAllowed({ from: "Selector" }, "gw", "gw", namespaces), false);
});

test("expression operators", () => {
  const labels = { team: "ml", tier: "gold" };
  const expr = (operator: string, values?: string[]) =>
    selectorMatches({ matchExpressions: [{ key: "tier", operator, ...(values ? { values } : {}) }] }, labels);
  assert.equal(expr("In", ["gold", "silver"]), true);
  assert.equal(expr("In", ["silver"]), false);
  assert.equal(expr("NotIn", ["silver"]), true);
  assert.equal(expr("NotIn", ["gold"]), false);
  assert.equal(expr("Exists"), true);
  assert.equal(expr("DoesNotExist"), false);
  assert.equal(expr("Gt", ["1"]), false, "unknown operators select nothing");
  assert.equal(selectorMatches({}, labels), true, "an empty selector selects everything");
});
