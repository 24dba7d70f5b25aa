import assert from "node:assert/strict";
import { test } from "node:test";
import { GatewayError } from "../errors.ts";
import { compileSnapshot } from "../snapshot/compile.ts";
import type { ProviderConfig, Snapshot } from "../snapshot/schema.ts";
import { classifyPath, type Endpoint } from "../translate/catalogue.ts";
import { customVariant } from "./custom-formats.ts";

function compiled(custom: ProviderConfig["custom"], kind: ProviderConfig["kind"] = "openai") {
  const snapshot: Snapshot = {
    schemaVersion: 1,
    gateway: { namespace: "ns", name: "gw" },
    listeners: [{ name: "http", port: 80, protocol: "HTTP" }],
    routes: [],
    backends: [
      {
        ref: "ns/b",
        namespace: "ns",
        name: "b",
        groups: [
          [
            {
              name: "default",
              kind,
              host: "llm.ns.svc",
              port: 8000,
              tls: false,
              auth: { mode: "none" },
              custom,
            },
          ],
        ],
      },
    ],
    version: 1,
    hash: "h",
  };
  return compileBackendOf(snapshot);
}

function compileBackendOf(snapshot: Snapshot) {
  const withRoute: Snapshot = {
    ...snapshot,
    routes: [
      {
        id: "AIRoute/ns/r/0",
        kind: "AIRoute",
        namespace: "ns",
        name: "r",
        rule: 0,
        matchIndex: 0,
        listeners: ["http"],
        hostnames: [],
        match: {},
        backends: [{ backend: "ns/b", weight: 1 }],
        timeouts: {},
        retry: { attempts: 0, backoffMs: 0, codes: [] },
      },
    ],
  };
  const provider = compileSnapshot(withRoute).routes[0]?.backends[0]?.backend.groups[0]?.[0];
  assert.ok(provider);
  return provider;
}

function endpoint(path: string): Endpoint {
  const c = classifyPath(path);
  assert.equal(c.kind, "endpoint");
  return (c as { endpoint: Endpoint }).endpoint;
}

test("a listed format goes to its variant: its family's adapter and its path", () => {
  const p = compiled({
    formats: [{ type: "Completions", path: "/api/chat" }, { type: "Messages" }, { type: "Embeddings" }],
  });
  const chat = customVariant(p, endpoint("/v1/chat/completions"));
  assert.ok(!(chat instanceof GatewayError));
  assert.equal(chat.config.kind, "openai");
  assert.equal(chat.config.path, "/api/chat");
  assert.equal(chat.adapter.kind, "openai");
  const messages = customVariant(p, endpoint("/v1/messages"));
  assert.ok(!(messages instanceof GatewayError));
  assert.equal(messages.config.kind, "anthropic");
  assert.equal(messages.adapter.kind, "anthropic");
  assert.equal(messages.config.path, undefined);
  assert.equal(messages.label, p.label);
});

test("another format is translated to a listed one when the gateway can, else a 404 naming the formats", () => {
  const onlyChat = compiled({ formats: [{ type: "Completions" }] });
  const fromMessages = customVariant(onlyChat, endpoint("/v1/messages"));
  assert.ok(!(fromMessages instanceof GatewayError));
  assert.equal(fromMessages.config.kind, "openai", "Anthropic messages translated to chat");
  const responses = customVariant(onlyChat, endpoint("/v1/responses"));
  assert.ok(responses instanceof GatewayError);
  assert.equal(responses.status, 404);
  assert.match(responses.message, /its provider speaks Completions/);
  const emb = customVariant(onlyChat, endpoint("/v1/embeddings"));
  assert.ok(emb instanceof GatewayError);
  const onlyMessages = compiled({ formats: [{ type: "Messages" }] }, "anthropic");
  const fromChat = customVariant(onlyMessages, endpoint("/v1/chat/completions"));
  assert.ok(!(fromChat instanceof GatewayError));
  assert.equal(fromChat.config.kind, "anthropic", "chat translated to Anthropic messages");
  const fromResponses = customVariant(onlyMessages, endpoint("/v1/responses"));
  assert.ok(!(fromResponses instanceof GatewayError));
  assert.ok(customVariant(onlyMessages, endpoint("/v1/messages/count_tokens")) instanceof GatewayError);
});

test("a provider that is not custom is used as it is", () => {
  const plain = compiled(undefined);
  assert.equal(customVariant(plain, endpoint("/v1/embeddings")), plain);
});
