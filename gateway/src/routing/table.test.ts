import assert from "node:assert/strict";
import { test } from "node:test";
import type { ListenerConfig, RouteConfig, RouteMatch } from "../snapshot/schema.ts";
import { normalizeHost } from "./host-index.ts";
import { type RouteQuery, RouteTable } from "./table.ts";

function route(id: string, match: RouteMatch, extra: Partial<RouteConfig> = {}): RouteConfig {
  return {
    id,
    kind: "AIRoute",
    namespace: "ns",
    name: id,
    rule: 0,
    matchIndex: 0,
    listeners: ["http"],
    hostnames: [],
    match,
    backends: [{ backend: "ns/b", weight: 1 }],
    timeouts: {},
    retry: { attempts: 0, backoffMs: 0, codes: [] },
    ...extra,
  };
}

const http: ListenerConfig = { name: "http", port: 80, protocol: "HTTP" };

function q(path: string, host = "gw.local", headers: Record<string, string> = {}, port = 80): RouteQuery {
  return { port, host: normalizeHost(host), path, header: (n) => headers[n] };
}

function pick(t: RouteTable, query: RouteQuery, model: string | undefined | null = undefined): string {
  const s = t.select(query, model);
  return s.kind === "route" ? s.entry.route.id : s.kind;
}

test("exact beats prefix, longest prefix first, prefixes match whole path elements", () => {
  const t = new RouteTable(
    [http],
    [
      route("exact", { path: { type: "Exact", value: "/v1/chat/completions" } }),
      route("long", { path: { type: "PathPrefix", value: "/v1/chat/" } }),
      route("short", { path: { type: "PathPrefix", value: "/v1" } }),
      route("all", {}),
    ],
  );
  assert.equal(pick(t, q("/v1/chat/completions")), "exact");
  assert.equal(pick(t, q("/v1/chat/other")), "long");
  assert.equal(pick(t, q("/v1/chat")), "long");
  assert.equal(pick(t, q("/v1/embeddings")), "short");
  assert.equal(pick(t, q("/v1")), "short");
  assert.equal(pick(t, q("/v10")), "all");
  assert.equal(pick(t, q("/")), "all");
});

test("headers narrow the match; regex is anchored", () => {
  const t = new RouteTable(
    [http],
    [
      route("team-a", { headers: [{ name: "X-Team", type: "Exact", value: "a" }] }),
      route("team-re", { headers: [{ name: "x-team", type: "RegularExpression", value: "b[0-9]" }] }),
      route("fallback", {}),
    ],
  );
  assert.equal(pick(t, q("/x", "gw", { "x-team": "a" })), "team-a");
  assert.equal(pick(t, q("/x", "gw", { "x-team": "b7" })), "team-re");
  assert.equal(pick(t, q("/x", "gw", { "x-team": "b77" })), "fallback");
  assert.equal(pick(t, q("/x", "gw", {})), "fallback");
});

test("model globs need the body model; a model-free first match does not", () => {
  const t = new RouteTable(
    [http],
    [
      route("gpt", { path: { type: "PathPrefix", value: "/v1" }, model: "gpt-*" }),
      route("claude", { path: { type: "PathPrefix", value: "/v1" }, model: "claude-3-?" }),
      route("rest", { path: { type: "PathPrefix", value: "/v1" } }),
      route("other", { path: { type: "PathPrefix", value: "/other" } }),
    ],
  );
  assert.equal(pick(t, q("/v1/chat/completions"), null), "need-model");
  assert.equal(pick(t, q("/other/x"), null), "other");
  assert.equal(pick(t, q("/v1/chat/completions"), "gpt-4o"), "gpt");
  assert.equal(pick(t, q("/v1/chat/completions"), "claude-3-?"), "claude");
  assert.equal(pick(t, q("/v1/chat/completions"), "claude-3-5"), "rest");
  assert.equal(pick(t, q("/v1/chat/completions"), undefined), "rest");
});

test("the most specific listener and route hostname win, without fallback", () => {
  const any: ListenerConfig = { name: "any", port: 80, protocol: "HTTP" };
  const foo: ListenerConfig = { name: "foo", port: 80, protocol: "HTTP", hostname: "*.foo.com" };
  const t = new RouteTable(
    [any, foo],
    [
      route(
        "exact-host",
        { path: { type: "PathPrefix", value: "/only" } },
        {
          listeners: ["foo"],
          hostnames: ["api.foo.com"],
        },
      ),
      route("wild", {}, { listeners: ["foo"], hostnames: ["*.foo.com"] }),
      route("deep-wild", {}, { listeners: ["foo"], hostnames: ["*.eu.foo.com"] }),
      route("catch-all", {}, { listeners: ["any"] }),
    ],
  );
  assert.equal(pick(t, q("/only/x", "API.foo.com:8080")), "exact-host");
  // api.foo.com has an exact bucket: a path it does not cover is not served by *.foo.com.
  assert.equal(pick(t, q("/elsewhere", "api.foo.com")), "none");
  assert.equal(pick(t, q("/x", "b.foo.com")), "wild");
  assert.equal(pick(t, q("/x", "x.eu.foo.com")), "deep-wild");
  assert.equal(pick(t, q("/x", "foo.com")), "catch-all");
  assert.equal(pick(t, q("/x", "example.org")), "catch-all");
  const s = t.select(q("/x", "b.foo.com"), undefined);
  assert.equal(s.kind === "route" && s.listener.name, "foo");
  assert.equal(pick(t, q("/x", "gw", {}, 8080)), "none");
});

test("5,000 routes: lookups hit the right entry (index, not a scan)", () => {
  const routes: RouteConfig[] = [];
  for (let i = 0; i < 5000; i++) {
    routes.push(route(`r${i}`, { path: { type: "PathPrefix", value: `/tenant-${i}` } }));
  }
  const t = new RouteTable([http], routes);
  assert.equal(t.size, 5000);
  assert.equal(pick(t, q("/tenant-4999/v1/chat/completions")), "r4999");
  assert.equal(pick(t, q("/tenant-0")), "r0");
  assert.equal(pick(t, q("/tenant-5000")), "none");
  assert.ok(t.routeIds.has("r1234"));
});

test("normalizeHost strips port, case and trailing dot", () => {
  assert.equal(normalizeHost("API.Example.com:443"), "api.example.com");
  assert.equal(normalizeHost("example.com."), "example.com");
  assert.equal(normalizeHost("[::1]:8080"), "[::1]");
  assert.equal(normalizeHost(undefined), "");
});

test("header index: routes on one path that differ by an Exact header keep precedence order", () => {
  const chat = { type: "Exact", value: "/v1/chat/completions" } as const;
  const t = new RouteTable(
    [http],
    [
      route("a", { path: chat, headers: [{ name: "X-Tenant", type: "Exact", value: "t1" }] }),
      route("b", {
        path: chat,
        headers: [
          { name: "x-tenant", type: "Exact", value: "t2" },
          { name: "x-env", type: "RegularExpression", value: "prod|staging" },
        ],
      }),
      route("c", {
        path: { type: "PathPrefix", value: "/v1" },
        headers: [{ name: "x-flag", type: "Exact", value: "on" }],
      }),
      route("d", { path: chat, headers: [{ name: "x-tenant", type: "Exact", value: "t2" }] }),
      route("e", { path: chat, headers: [{ name: "x-team", type: "Exact", value: "red" }] }),
      route("f", { path: chat, headers: [{ name: "x-tenant", type: "RegularExpression", value: "t.*" }] }),
    ],
  );
  const at = (headers: Record<string, string>) => pick(t, q("/v1/chat/completions", "gw.local", headers));
  assert.equal(at({ "x-tenant": "t1" }), "a");
  assert.equal(at({ "x-tenant": "t2", "x-env": "prod" }), "b");
  assert.equal(at({ "x-tenant": "t2", "x-env": "dev" }), "d");
  assert.equal(at({ "x-tenant": "t2", "x-flag": "on" }), "c");
  assert.equal(at({ "x-tenant": "t1", "x-flag": "on" }), "a");
  assert.equal(at({ "x-team": "red" }), "e");
  assert.equal(at({ "x-team": "red", "x-tenant": "t9" }), "e");
  assert.equal(at({ "x-tenant": "t9" }), "f");
  assert.equal(at({ "x-tenant": "T1" }), "none");
  assert.equal(at({}), "none");
  assert.equal(pick(t, q("/v1/models", "gw.local", { "x-flag": "on", "x-tenant": "t1" })), "c");
});

test("header index: thousands of tenant routes on one path, then a catch-all", () => {
  const path = { type: "PathPrefix", value: "/v1" } as const;
  const routes = Array.from({ length: 5000 }, (_, i) =>
    route(`r${i}`, { path, headers: [{ name: "x-tenant", type: "Exact", value: `t${i}` }] }),
  );
  routes.push(route("catch-all", { path }));
  const t = new RouteTable([http], routes);
  const at = (headers: Record<string, string>) => pick(t, q("/v1/chat/completions", "gw.local", headers));
  assert.equal(at({ "x-tenant": "t4999" }), "r4999");
  assert.equal(at({ "x-tenant": "t0" }), "r0");
  assert.equal(at({ "x-tenant": "t5000" }), "catch-all");
  assert.equal(at({}), "catch-all");
});
