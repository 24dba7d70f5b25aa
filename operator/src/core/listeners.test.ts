import assert from "node:assert/strict";
import { test } from "node:test";
import type { Listener } from "../api/gateway-api.ts";
import { evaluateListeners } from "./listeners.ts";

const l = (name: string, port: number, protocol = "HTTP", hostname?: string): Listener => ({
  name,
  port,
  protocol,
  ...(hostname ? { hostname } : {}),
});

const reasons = (ls: Listener[]) =>
  Object.fromEntries(
    evaluateListeners(ls).map((m) => [m.name, m.conflict?.reason ?? (m.config ? "served" : "not served")]),
  );

test("distinct hostnames on one port do not conflict", () => {
  assert.deepEqual(
    reasons([l("a", 80, "HTTP", "a.example.com"), l("b", 80, "HTTP", "b.example.com"), l("c", 80)]),
    {
      a: "served",
      b: "served",
      c: "served",
    },
  );
});

test("same port and hostname conflict (hostnames compared case-insensitively)", () => {
  assert.deepEqual(
    reasons([l("a", 80, "HTTP", "A.example.com"), l("b", 80, "HTTP", "a.example.com"), l("c", 81)]),
    {
      a: "HostnameConflict",
      b: "HostnameConflict",
      c: "served",
    },
  );
});

test("a listener with an unsupported protocol does not make the HTTP listeners on its port conflicted", () => {
  // Gateway API v1.4: without TCP support the TCP-shares-a-port rule "does not apply".
  assert.deepEqual(reasons([l("a", 80), l("t", 80, "TCP"), l("u", 81, "HTTPS"), l("v", 81)]), {
    a: "served",
    t: "ProtocolConflict",
    u: "ProtocolConflict",
    v: "served",
  });
});

test("the hostname conflict is still found next to an unsupported protocol on the same port", () => {
  assert.deepEqual(reasons([l("a", 80), l("b", 80), l("t", 80, "TCP")]), {
    a: "HostnameConflict",
    b: "HostnameConflict",
    t: "ProtocolConflict",
  });
});

test("listeners come out sorted by name, with lowercased hostnames in the config", () => {
  const ms = evaluateListeners([l("z", 80, "HTTP", "Z.example.com"), l("a", 81)]);
  assert.deepEqual(
    ms.map((m) => m.config),
    [
      { name: "a", port: 81, protocol: "HTTP" },
      { name: "z", port: 80, protocol: "HTTP", hostname: "z.example.com" },
    ],
  );
});
