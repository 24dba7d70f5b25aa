import assert from "node:assert/strict";
import { test } from "node:test";
import { forwardableRequestHeaders, forwardableResponseHeaders, upstreamHostHeader } from "./headers.ts";

test("response headers: hop-by-hop and Connection-listed headers are dropped, the rest kept", () => {
  const upstream = {
    "content-type": "application/json",
    "content-length": "12",
    connection: "keep-alive, X-Trace , x-other",
    "keep-alive": "timeout=5",
    "transfer-encoding": "chunked",
    "x-trace": "1",
    "x-other": "2",
    "x-request-id": "abc",
  };
  assert.deepEqual(forwardableResponseHeaders(upstream, { dropLength: false }), {
    "content-type": "application/json",
    "content-length": "12",
    "x-request-id": "abc",
  });
  assert.deepEqual(forwardableResponseHeaders(upstream, { dropLength: true }), {
    "content-type": "application/json",
    "x-request-id": "abc",
  });
});

test("the usual Connection values (keep-alive, close) drop the same headers as any other list", () => {
  const base = { "content-type": "application/json", close: "odd", "keep-alive": "timeout=5" };
  for (const connection of ["keep-alive", "Keep-Alive", "KEEP-ALIVE", " keep-alive "]) {
    assert.deepEqual(forwardableResponseHeaders({ ...base, connection }, { dropLength: false }), {
      "content-type": "application/json",
      close: "odd",
    });
  }
  for (const connection of ["close", "Close"]) {
    assert.deepEqual(forwardableResponseHeaders({ ...base, connection }, { dropLength: false }), {
      "content-type": "application/json",
    });
  }
});

test("request headers: credentials, gateway-owned and hop-by-hop headers never go upstream", () => {
  const client = {
    authorization: "Bearer client",
    "api-key": "k",
    "x-api-key": "k",
    "x-goog-api-key": "k",
    host: "gw.example",
    "content-length": "10",
    expect: "100-continue",
    "accept-encoding": "gzip",
    connection: "x-hop",
    "x-hop": "1",
    te: "trailers",
    "content-type": "application/json",
    "openai-beta": "assistants=v2",
  };
  assert.deepEqual(forwardableRequestHeaders(client), {
    "content-type": "application/json",
    "openai-beta": "assistants=v2",
  });
});

test("the upstream Host header leaves out the scheme's default port and brackets IPv6", () => {
  assert.equal(upstreamHostHeader("api.openai.com", 443, true), "api.openai.com");
  assert.equal(upstreamHostHeader("api.openai.com", 80, true), "api.openai.com:80");
  assert.equal(upstreamHostHeader("10.0.0.1", 80, false), "10.0.0.1");
  assert.equal(upstreamHostHeader("::1", 8080, false), "[::1]:8080");
});
