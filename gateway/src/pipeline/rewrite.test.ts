import assert from "node:assert/strict";
import { test } from "node:test";
import type { CompiledRoute } from "../snapshot/compile.ts";
import type { RouteConfig } from "../snapshot/schema.ts";
import { rewritePath } from "./handler.ts";

function r(match: RouteConfig["match"], rewrite?: RouteConfig["rewrite"]): CompiledRoute {
  return { config: { match, rewrite } as RouteConfig, backends: [], invalidWeight: 0, clientAuth: undefined };
}

test("ReplaceFullPath replaces the whole path", () => {
  const route = r(
    { path: { type: "PathPrefix", value: "/openai" } },
    { type: "ReplaceFullPath", value: "/v1/chat/completions" },
  );
  assert.equal(rewritePath("/openai/anything", route), "/v1/chat/completions");
});

test("ReplacePrefixMatch swaps the matched prefix on element boundaries", () => {
  const route = r(
    { path: { type: "PathPrefix", value: "/team-a/" } },
    { type: "ReplacePrefixMatch", value: "/v1" },
  );
  assert.equal(rewritePath("/team-a/chat/completions", route), "/v1/chat/completions");
  assert.equal(rewritePath("/team-a", route), "/v1");
  const toRoot = r({ path: { type: "PathPrefix", value: "/x" } }, { type: "ReplacePrefixMatch", value: "/" });
  assert.equal(rewritePath("/x/v1/models", toRoot), "/v1/models");
  assert.equal(rewritePath("/x", toRoot), "/");
  const fromRoot = r(
    { path: { type: "PathPrefix", value: "/" } },
    { type: "ReplacePrefixMatch", value: "/api" },
  );
  assert.equal(rewritePath("/v1/models", fromRoot), "/api/v1/models");
});

test("no rewrite leaves the path alone", () => {
  assert.equal(rewritePath("/v1/models", r({})), "/v1/models");
});
