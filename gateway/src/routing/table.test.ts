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
