import assert from "node:assert/strict";
import { test } from "node:test";
import type { RouteConfig, RouteMatch } from "../../../gateway/src/snapshot/schema.ts";
import { type RankedRoute, sortByPrecedence } from "./precedence.ts";

function entry(
  name: string,
  match: RouteMatch,
  extra: Partial<RouteConfig> = {},
  createdAt?: string,
): RankedRoute {
  const config: RouteConfig = {
    id: `AIRoute/ns/${name}/0`,
    kind: "AIRoute",
    namespace: "ns",
    name,
    rule: 0,
    matchIndex: 0,
    listeners: ["http"],
    hostnames: [],
    match,
    backends: [],
    timeouts: {},
    retry: { attempts: 0, backoffMs: 0, codes: [] },
    ...extra,
  };
  return createdAt ? { config, createdAt } : { config };
}

const names = (rs: RankedRoute[]) => sortByPrecedence(rs).map((r) => `${r.name}/${r.rule}/${r.matchIndex}`);

test("Exact before PathPrefix, longer prefixes first, no path last", () => {
  const rs = [
    entry("none", {}),
    entry("short", { path: { type: "PathPrefix", value: "/v1" } }),
    entry("long", { path: { type: "PathPrefix", value: "/v1/chat" } }),
    entry("exact", { path: { type: "Exact", value: "/v1" } }),
  ];
  assert.deepEqual(names(rs), ["exact/0/0", "long/0/0", "short/0/0", "none/0/0"]);
});

test("more header matches first, then a model match before none", () => {
  const path = { type: "PathPrefix", value: "/" } as const;
  const rs = [
    entry("plain", { path }),
    entry("model", { path, model: "gpt-*" }),
    entry("one-header", { path, headers: [{ name: "a", type: "Exact", value: "1" }] }),
    entry("two-headers", {
      path,
      headers: [
        { name: "a", type: "Exact", value: "1" },
        { name: "b", type: "Exact", value: "2" },
      ],
    }),
  ];
  assert.deepEqual(names(rs), ["two-headers/0/0", "one-header/0/0", "model/0/0", "plain/0/0"]);
});

test("ties: oldest route first (no timestamp last), then namespace/name, rule, match", () => {
  const rs = [
    entry("b", {}, {}, "2025-01-02T00:00:00Z"),
    entry("a", {}, {}, "2025-01-03T00:00:00Z"),
    entry("untimed", {}),
    entry("c", {}, { rule: 1 }, "2025-01-01T00:00:00Z"),
    entry("c", {}, { rule: 0, matchIndex: 1 }, "2025-01-01T00:00:00Z"),
    entry("c", {}, { rule: 0, matchIndex: 0 }, "2025-01-01T00:00:00Z"),
  ];
  assert.deepEqual(names(rs), ["c/0/0", "c/0/1", "c/1/0", "b/0/0", "a/0/0", "untimed/0/0"]);
});

test("sorting does not depend on input order", () => {
  const rs = [
    entry("x", { path: { type: "PathPrefix", value: "/a" } }),
    entry("y", { path: { type: "PathPrefix", value: "/a" } }),
    entry("z", { path: { type: "Exact", value: "/a" } }),
  ];
  assert.deepEqual(names(rs), names([...rs].reverse()));
});
