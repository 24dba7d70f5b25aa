import assert from "node:assert/strict";
import { test } from "node:test";
import type { InjectedCredential } from "../snapshot/schema.ts";
import {
  buildUpstreamHeaders,
  placedCredentials,
  stripCredentialQuery,
  withCookie,
  withQueryCredentials,
} from "./credentials.ts";
import { upstreamHostHeader } from "./headers.ts";

const client = {
  host: "gateway.local:8080",
  authorization: "Bearer client-or-gateway-key",
  "api-key": "client-azure",
  "x-api-key": "client-anthropic",
  "x-goog-api-key": "client-google",
  "content-type": "application/json",
  "content-length": "999",
  connection: "keep-alive, x-hop",
  "x-hop": "1",
  "transfer-encoding": "chunked",
  "accept-encoding": "gzip",
  "x-request-id": "r1",
};

function build(auth: Parameters<typeof buildUpstreamHeaders>[0]["auth"], gatewayKey = false) {
  return buildUpstreamHeaders({
    client,
    auth,
    gatewayKeyInAuthorization: gatewayKey,
    extra: { "anthropic-version": "2023-06-01" },
    host: "api.example.com",
    contentLength: 42,
  });
}

test("inject: the provider header carries the credential, every client credential is gone", () => {
  const h = build({
    mode: "inject",
    header: "x-api-key",
    prefix: "",
    credential: "sk-real",
    source: "inline",
  });
  assert.equal(h["x-api-key"], "sk-real");
  for (const name of ["authorization", "api-key", "x-goog-api-key"]) assert.equal(h[name], undefined, name);
  assert.equal(h.host, "api.example.com");
  assert.equal(h["content-length"], "42");
  assert.equal(h["accept-encoding"], "identity");
  assert.equal(h["anthropic-version"], "2023-06-01");
  assert.equal(h["x-request-id"], "r1");
  for (const hop of ["connection", "x-hop", "transfer-encoding"]) assert.equal(h[hop], undefined, hop);
  const bearer = build({
    mode: "inject",
    header: "Authorization",
    prefix: "Bearer ",
    credential: "sk-o",
    source: "inline",
  });
  assert.equal(bearer.authorization, "Bearer sk-o");
});

test("passthrough forwards only the provider's header; never a gateway key", () => {
  const az = build({ mode: "passthrough", header: "api-key" });
  assert.equal(az["api-key"], "client-azure");
  assert.equal(az.authorization, undefined);
  assert.equal(az["x-api-key"], undefined);
  const oa = build({ mode: "passthrough", header: "Authorization" });
  assert.equal(oa.authorization, "Bearer client-or-gateway-key");
  const gw = build({ mode: "passthrough", header: "Authorization" }, true);
  assert.equal(gw.authorization, undefined, "the gateway key is never forwarded");
  const bearerOnly = buildUpstreamHeaders({
    client: { authorization: "Bearer sk-ant-own" },
    auth: { mode: "passthrough", header: "x-api-key" },
    gatewayKeyInAuthorization: false,
    extra: {},
    host: "h",
    contentLength: 0,
  });
  assert.equal(bearerOnly["x-api-key"], "sk-ant-own", "a bearer key moves into the provider's header");
  assert.equal(bearerOnly.authorization, undefined);
  const gatewayBearer = buildUpstreamHeaders({
    client: { authorization: "Bearer gw-key" },
    auth: { mode: "passthrough", header: "x-api-key" },
    gatewayKeyInAuthorization: true,
    extra: {},
    host: "h",
    contentLength: 0,
  });
  assert.equal(gatewayBearer["x-api-key"], undefined);
});

test("none sends no credential; the key query parameter is dropped", () => {
  const h = build({ mode: "none" });
  for (const name of ["authorization", "api-key", "x-api-key", "x-goog-api-key"])
    assert.equal(h[name], undefined);
  const q = stripCredentialQuery(new URLSearchParams("alt=sse&key=AIzaSecret"));
  assert.equal(q.toString(), "alt=sse");
});

test("upstream Host header omits default ports", () => {
  assert.equal(upstreamHostHeader("api.openai.com", 443, true), "api.openai.com");
  assert.equal(upstreamHostHeader("127.0.0.1", 9000, false), "127.0.0.1:9000");
  assert.equal(upstreamHostHeader("::1", 80, false), "[::1]");
});

function headersFor(
  auth: Parameters<typeof buildUpstreamHeaders>[0]["auth"],
  clientHeaders: Record<string, string>,
  more: { credentials?: InjectedCredential[]; query?: string; gatewayKey?: boolean } = {},
) {
  const input = {
    client: clientHeaders,
    auth,
    ...(more.credentials ? { credentials: more.credentials } : {}),
    query: new URLSearchParams(more.query ?? ""),
    gatewayKeyInAuthorization: more.gatewayKey ?? false,
  };
  return {
    headers: buildUpstreamHeaders({ ...input, extra: {}, host: "h", contentLength: 0 }),
    path: withQueryCredentials(
      `/v1/chat/completions${more.query ? `?${more.query}` : ""}`,
      placedCredentials(input),
    ),
  };
}

test("location queryParameter: set on the upstream URL, replacing a client value; no header", () => {
  const { headers, path } = headersFor(
    {
      mode: "inject",
      header: "",
      prefix: "",
      location: { in: "queryParameter", name: "api_key" },
      credential: "sk q&=",
      source: "inline",
    },
    { authorization: "Bearer gw" },
    { query: "api_key=client&x=1", gatewayKey: true },
  );
  assert.equal(path, "/v1/chat/completions?api_key=sk+q%26%3D&x=1");
  assert.equal(new URL(path, "http://h").searchParams.get("api_key"), "sk q&=");
  assert.equal(headers.authorization, undefined);
  assert.equal(headers[""], undefined, "no empty-named header");
  assert.equal(withQueryCredentials("/p", []), "/p", "no query credential: the path is untouched");
});

test("location cookie: one cookie of the Cookie header, replacing a client cookie of that name", () => {
  const cookie = (auth: Parameters<typeof buildUpstreamHeaders>[0]["auth"], c?: string) =>
    headersFor(auth, c === undefined ? {} : { cookie: c }).headers.cookie;
  const inject = {
    mode: "inject" as const,
    header: "",
    prefix: "",
    location: { in: "cookie" as const, name: "session" },
    credential: "sk-c",
    source: "inline",
  };
  assert.equal(cookie(inject), "session=sk-c");
  assert.equal(cookie(inject, "a=1; session=client; b=2"), "a=1; b=2; session=sk-c");
  assert.equal(withCookie(["a=1", "sessionx=2"], "session", "v"), "a=1; sessionx=2; session=v");
});

test("location header with a custom prefix; passthrough reads and writes at the location", () => {
  const { headers } = headersFor(
    { mode: "inject", header: "X-Token", prefix: "Token ", credential: "sk-h", source: "inline" },
    { "x-token": "client" },
  );
  assert.equal(headers["x-token"], "Token sk-h");
  // passthrough with a prefix: the client's value keeps (or gets) the prefix once
  const pass = (client: Record<string, string>, gatewayKey = false) =>
    headersFor({ mode: "passthrough", header: "X-Token", prefix: "Token " }, client, { gatewayKey }).headers[
      "x-token"
    ];
  assert.equal(pass({ "x-token": "Token own" }), "Token own");
  assert.equal(pass({ "x-token": "own" }), "Token own");
  assert.equal(pass({ authorization: "Bearer own" }), "Token own", "a bearer key moves to the location");
  assert.equal(pass({ authorization: "Bearer gw" }, true), undefined, "never the gateway key");
  // passthrough at a query parameter: the client's own value, else its bearer key
  const q = headersFor(
    { mode: "passthrough", header: "Authorization", location: { in: "queryParameter", name: "key" } },
    { authorization: "Bearer own" },
  );
  assert.equal(q.path, "/v1/chat/completions?key=own");
  assert.equal(q.headers.authorization, undefined);
  const c = headersFor(
    { mode: "passthrough", header: "Authorization", location: { in: "cookie", name: "k" } },
    { cookie: "k=mine; o=1", authorization: "Bearer gw" },
    { gatewayKey: true },
  );
  assert.equal(c.headers.cookie, "o=1; k=mine");
});

test("additional credentials go to their own places after the primary one", () => {
  const { headers, path } = headersFor(
    { mode: "inject", header: "Authorization", prefix: "Bearer ", credential: "sk-main", source: "inline" },
    {},
    {
      credentials: [
        { header: "x-org", prefix: "", credential: "org-1", source: "secret:ns/s#org" },
        {
          header: "",
          prefix: "",
          location: { in: "queryParameter", name: "tenant" },
          credential: "t-1",
          source: "secret:ns/s#t",
        },
      ],
    },
  );
  assert.equal(headers.authorization, "Bearer sk-main");
  assert.equal(headers["x-org"], "org-1");
  assert.equal(path, "/v1/chat/completions?tenant=t-1");
});
