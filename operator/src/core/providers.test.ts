import assert from "node:assert/strict";
import { test } from "node:test";
import type { LLMProvider } from "../api/agentgateway-backend.ts";
import { upstreamAuth } from "./credentials.ts";
import { parseProviderOverride } from "./provider-override.ts";
import { providerEndpoint, providerKind } from "./providers.ts";

const path = "spec.ai.provider";

test("default endpoints per provider", () => {
  assert.deepEqual(providerEndpoint({ openai: {} }, "openai", path, undefined), {
    host: "api.openai.com",
    port: 443,
    tls: true,
  });
  assert.deepEqual(providerEndpoint({ anthropic: {} }, "anthropic", path, undefined), {
    host: "api.anthropic.com",
    port: 443,
    tls: true,
  });
  assert.deepEqual(providerEndpoint({ gemini: { model: "m" } }, "gemini", path, undefined), {
    host: "generativelanguage.googleapis.com",
    port: 443,
    tls: true,
  });
  const azure: LLMProvider = {
    azureopenai: { endpoint: "https://r.openai.azure.com/", deploymentName: "d" },
  };
  assert.deepEqual(providerEndpoint(azure, "azureopenai", path, undefined), {
    host: "r.openai.azure.com",
    port: 443,
    tls: true,
  });
});

test("host, port and plaintext overrides", () => {
  assert.deepEqual(
    providerEndpoint({ openai: {}, host: "h.local", plaintext: true }, "openai", path, undefined),
    {
      host: "h.local",
      port: 80,
      tls: false,
    },
  );
  assert.deepEqual(
    providerEndpoint({ openai: {}, host: "h.local", port: 8000, plaintext: true }, "openai", path, undefined),
    {
      host: "h.local",
      port: 8000,
      tls: false,
    },
  );
  // as upstream: a host/port override is plain HTTP unless policies.tls is set
  assert.deepEqual(providerEndpoint({ openai: {}, host: "h.local" }, "openai", path, undefined), {
    host: "h.local",
    port: 80,
    tls: false,
  });
  assert.deepEqual(providerEndpoint({ openai: {}, host: "h.local" }, "openai", path, undefined, true), {
    host: "h.local",
    port: 443,
    tls: true,
  });
  // our extension: plaintext false asks for TLS like an empty policies.tls
  assert.deepEqual(
    providerEndpoint(
      { openai: {}, host: "h.local", port: 8443, plaintext: false },
      "openai",
      path,
      undefined,
    ),
    { host: "h.local", port: 8443, tls: true },
  );
  assert.deepEqual(providerEndpoint({ openai: {}, port: 8443 }, "openai", path, undefined, true), {
    host: "api.openai.com",
    port: 8443,
    tls: true,
  });
  const both = providerEndpoint(
    { openai: {}, host: "h.local", plaintext: true },
    "openai",
    path,
    undefined,
    true,
  );
  assert.ok(
    "reason" in both && both.reason === "InvalidConfig" && /contradicts policies\.tls/.test(both.message),
  );
});

test("a public provider host over plain HTTP is refused, never a silent clear-text send", () => {
  const cases: [Parameters<typeof providerEndpoint>[0], Parameters<typeof providerEndpoint>[1]][] = [
    [{ openai: {}, port: 8443 }, "openai"],
    [{ openai: {}, host: "api.openai.com" }, "openai"],
    [{ anthropic: {}, host: "API.ANTHROPIC.COM", plaintext: true }, "anthropic"],
    [{ azureopenai: { endpoint: "res.openai.azure.com", deploymentName: "d" }, port: 80 }, "azureopenai"],
    [{ azure: { resourceName: "r", resourceType: "Foundry", projectName: "p" }, port: 8080 }, "azure"],
    [{ gemini: {}, port: 80 }, "gemini"],
    [{ vertexai: { projectId: "p", region: "us-east5" }, port: 80 }, "vertexai"],
    [{ bedrock: { region: "eu-west-1" }, port: 80 }, "bedrock"],
  ];
  for (const [p, kind] of cases) {
    const r = providerEndpoint(p, kind, path, undefined);
    assert.ok("reason" in r, JSON.stringify(p));
    assert.equal(r.reason, "PlaintextToPublicHost");
    assert.match(r.message, /public provider host .* plain HTTP/);
  }
  // a dev providerOverride to a public host over http is refused as well
  const toPublic = parseProviderOverride("http://api.openai.com:80");
  assert.ok(toPublic && !("reason" in toPublic));
  const r = providerEndpoint({ anthropic: {} }, "anthropic", path, toPublic);
  assert.ok("reason" in r && r.reason === "PlaintextToPublicHost");
});

test("plaintext without a host and hosts with a scheme are InvalidConfig", () => {
  const a = providerEndpoint({ openai: {}, plaintext: true }, "openai", path, undefined);
  assert.ok("reason" in a && a.reason === "InvalidConfig");
  const b = providerEndpoint({ openai: {}, host: "http://h.local:8000" }, "openai", path, undefined);
  assert.ok("reason" in b && b.reason === "InvalidConfig");
  const c = providerEndpoint(
    { azureopenai: { endpoint: "http://r.example", deploymentName: "d" } },
    "azureopenai",
    path,
    undefined,
  );
  assert.ok("reason" in c && c.reason === "InvalidConfig");
});

test("providerOverride replaces default endpoints but not host overrides", () => {
  const override = parseProviderOverride("http://127.0.0.1:9000");
  assert.deepEqual(override, { host: "127.0.0.1", port: 9000, tls: false });
  assert.ok(override && !("reason" in override));
  assert.deepEqual(providerEndpoint({ openai: {}, port: 1 }, "openai", path, override), override);
  assert.deepEqual(providerEndpoint({ openai: {}, host: "own.example" }, "openai", path, override), {
    host: "own.example",
    port: 80,
    tls: false,
  });
});

test("providerOverride parsing", () => {
  assert.equal(parseProviderOverride(undefined), undefined);
  assert.equal(parseProviderOverride(""), undefined);
  assert.deepEqual(parseProviderOverride("https://sim.local"), { host: "sim.local", port: 443, tls: true });
  assert.deepEqual(parseProviderOverride("http://sim.local/"), { host: "sim.local", port: 80, tls: false });
  for (const bad of ["sim.local:9000", "ftp://x", "http://x/prefix", "http://u:p@x", "http://x?q=1"]) {
    const r = parseProviderOverride(bad);
    assert.ok(r && "reason" in r, bad);
    assert.ok(!r.message.includes("u:p"), "never echo credentials");
  }
});

test("exactly one provider kind", () => {
  assert.equal(providerKind({ gemini: { model: "m" } }, path), "gemini");
  const none = providerKind({}, path);
  assert.ok(typeof none !== "string" && /found none/.test(none.message));
  const two = providerKind({ openai: {}, anthropic: {} }, path);
  assert.ok(typeof two !== "string" && /found openai, anthropic/.test(two.message));
});

test("credentials are fitted to each provider's header and prefix", () => {
  const inject = { mode: "inject", credential: "k", source: "inline" } as const;
  assert.deepEqual(upstreamAuth(inject, "openai"), { ...inject, header: "Authorization", prefix: "Bearer " });
  assert.deepEqual(upstreamAuth(inject, "azureopenai"), { ...inject, header: "api-key", prefix: "" });
  assert.deepEqual(upstreamAuth(inject, "gemini"), { ...inject, header: "x-goog-api-key", prefix: "" });
  assert.deepEqual(upstreamAuth(inject, "anthropic"), { ...inject, header: "x-api-key", prefix: "" });
  assert.deepEqual(upstreamAuth({ ...inject, header: "authorization" }, "openai"), {
    ...inject,
    header: "authorization",
    prefix: "Bearer ",
  });
  assert.deepEqual(upstreamAuth({ ...inject, header: "api-key" }, "openai"), {
    ...inject,
    header: "api-key",
    prefix: "",
  });
  assert.deepEqual(upstreamAuth({ mode: "passthrough" }, "anthropic"), {
    mode: "passthrough",
    header: "x-api-key",
  });
  assert.deepEqual(upstreamAuth({ mode: "none" }, "openai"), { mode: "none" });
});
