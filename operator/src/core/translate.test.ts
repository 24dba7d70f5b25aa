// Properties of translate() over every golden case: determinism under input reordering, purity,
// no secret value in any status, and never throwing on malformed input.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { CONTROLLER_NAME } from "../api/gateway-api.ts";
import { resourceSetFromObjects } from "./resource-set.ts";
import { loadGoldenCases, manifestId, plainOutput, runCase } from "./testdata/golden-cases.ts";
import { translate } from "./translate.ts";

const cases = loadGoldenCases();
const settings = { controllerName: CONTROLLER_NAME };

/** Deterministic permutation (mulberry32-seeded Fisher-Yates): the test itself must be repeatable. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let s = seed >>> 0;
  const rand = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe("determinism", () => {
  for (const c of cases) {
    test(`${c.name}: shuffled input gives identical output`, () => {
      const expected = runCase(c);
      for (const seed of [1, 2, 3, 42])
        assert.deepStrictEqual(runCase(c, shuffled(c.file.input, seed)), expected);
      assert.deepStrictEqual(runCase(c, [...c.file.input].reverse()), expected);
    });
  }
});

test("translate does not mutate its input", () => {
  for (const c of cases) {
    const input = structuredClone(c.file.input);
    runCase(c, input);
    assert.deepStrictEqual(input, c.file.input, c.name);
  }
});

/** Every secret-derived string of a case: Secret values (decoded and raw) and inline keys. */
function secretValues(input: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const m of input) {
    const o = m as { kind?: string; data?: Record<string, string>; stringData?: Record<string, string> };
    if (o.kind === "Secret") {
      for (const v of Object.values(o.data ?? {}))
        out.push(v, Buffer.from(v, "base64").toString("utf8").trim());
      for (const v of Object.values(o.stringData ?? {})) out.push(v.trim());
    }
    const key = (o as { spec?: { policies?: { auth?: { key?: string } } } }).spec?.policies?.auth?.key;
    if (key) out.push(key.trim(), key.replace(/^\s*bearer\s+/i, "").trim());
  }
  // Short values and the bare word "Bearer" (which messages name as the stripped prefix) are noise.
  return out.filter((v) => v.length >= 6 && v.toLowerCase() !== "bearer");
}

test("no secret value appears anywhere in the statuses", () => {
  let checked = 0;
  for (const c of cases) {
    const statuses = JSON.stringify(runCase(c).statuses);
    for (const v of secretValues(c.file.input)) {
      assert.ok(!statuses.includes(v), `${c.name}: a secret value leaks into statuses`);
      checked++;
    }
  }
  assert.ok(checked > 20, `only ${checked} secret values checked`);
});

test("secret values in failing Secrets stay out of statuses too", () => {
  const values = ["sk-LEAK-one", "sk-LEAK-two", "Bearer sk-LEAK-three", "sk-LEAK\u0000four"];
  const input = [
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GatewayClass",
      metadata: { name: "c" },
      spec: { controllerName: CONTROLLER_NAME },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s", namespace: "ns" },
      stringData: { x: values[0], y: values[1], z: values[2], w: values[3] },
    },
    ...["missing-key", "ambiguous", "w"].map((key) => ({
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AgentgatewayBackend",
      metadata: { name: `b-${key}`, namespace: "ns" },
      spec: {
        ai: { provider: { openai: {} } },
        policies: { auth: { secretRef: { name: "s", ...(key === "ambiguous" ? {} : { key }) } } },
      },
    })),
  ];
  const json = JSON.stringify(translate(resourceSetFromObjects(input), settings).statuses);
  assert.match(json, /SecretKeyNotFound/);
  assert.match(json, /InvalidSecret/);
  for (const v of values)
    assert.ok(!json.includes(v.replace("\u0000", "")) && !json.includes("LEAK"), "leak");
});

test("a route removed from the input disappears from the snapshot and attachedRoutes drops", () => {
  const c = cases.find((x) => x.name === "client-keys-route");
  assert.ok(c);
  const before = runCase(c);
  const without = c.file.input.filter((m) => manifestId(m) !== "AIRoute/default/locked");
  const after = runCase(c, without);
  const routeNames = (r: typeof before) => r.snapshots["default/gw"]?.routes.map((x) => x.name);
  assert.deepEqual(routeNames(before), ["protected", "locked"]);
  assert.deepEqual(routeNames(after), ["protected"]);
  const attached = (r: typeof before) => {
    const gw = r.statuses.find((s) => s.kind === "Gateway");
    return gw?.kind === "Gateway" ? gw.status.listeners[0]?.attachedRoutes : undefined;
  };
  assert.equal(attached(before), 2);
  assert.equal(attached(after), 1);
  assert.ok(!after.statuses.some((s) => s.kind === "AIRoute" && s.name === "locked"));
});

test("removing every route leaves an empty route table (not a stale one)", () => {
  const c = cases.find((x) => x.name === "seed-003-openai-secret-apikey");
  assert.ok(c);
  const after = runCase(
    c,
    c.file.input.filter((m) => !manifestId(m).startsWith("AIRoute/")),
  );
  const snap = after.snapshots["agentgateway-system/llm-gateway"];
  assert.deepEqual(snap?.routes, []);
  assert.deepEqual(snap?.backends, []);
});

test("malformed objects never throw", () => {
  const garbage: unknown[] = [
    null,
    42,
    "Gateway",
    [],
    { kind: "Gateway" },
    { apiVersion: "gateway.networking.k8s.io/v1", kind: "Gateway", metadata: "x" },
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "g" },
      spec: { gatewayClassName: 7 },
    },
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "GatewayClass",
      metadata: { name: "c" },
      spec: { controllerName: CONTROLLER_NAME },
    },
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "Gateway",
      metadata: { name: "g2" },
      spec: { gatewayClassName: "c", listeners: "nope" },
    },
    {
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AIRoute",
      metadata: { name: "r" },
      spec: { parentRefs: [{ name: "g2" }], rules: [{ backendRefs: "x" }] },
    },
    { apiVersion: "agentgateway.dev/v1alpha1", kind: "AIRoute", metadata: { name: "r2" }, spec: null },
    {
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AgentgatewayBackend",
      metadata: { name: "b" },
      spec: { ai: {} },
    },
    {
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: { name: "h" },
      spec: { parentRefs: [{ name: "g2" }], rules: [{ matches: [{ path: { value: 3 } }] }] },
    },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, data: { a: 1 } },
    { apiVersion: "v1", kind: "List", items: [null, { kind: "Service" }] },
  ];
  const dataPlane = { "default/g2": { connectedProxies: 1 } };
  const result = translate(resourceSetFromObjects(garbage, dataPlane), settings);
  const out = plainOutput(result) as { statuses: { kind: string; name: string }[] };
  const ids = out.statuses.map((s) => `${s.kind}/${s.name}`);
  assert.deepEqual(ids, [
    "AIRoute/r",
    "AIRoute/r2",
    "AgentgatewayBackend/b",
    "Gateway/g2",
    "GatewayClass/c",
    "HTTPRoute/h",
  ]);
  for (const s of result.statuses) {
    const conditions =
      "parents" in s.status ? s.status.parents.flatMap((p) => p.conditions) : s.status.conditions;
    assert.ok(
      conditions.some((c) => c.status === "False" && /spec[.:]/.test(c.message)) ||
        s.kind === "GatewayClass" ||
        s.name === "r2", // spec: null, so no parentRefs to report on
      s.name,
    );
  }
  assert.deepEqual(result.snapshots["default/g2"]?.listeners, []);
});

test("an unknown field in our kinds is a False condition naming its path, never dropped silently", () => {
  const objects: unknown[] = [
    {
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AgentgatewayBackend",
      metadata: { name: "b", generation: 3 },
      spec: {
        ai: { provider: { openai: { model: "m" } } },
        policies: { auth: { key: "k" }, transformation: {}, frobnicate: true },
      },
    },
    {
      apiVersion: "agentgateway.dev/v1alpha1",
      kind: "AIRoute",
      metadata: { name: "r" },
      spec: { parentRefs: [{ name: "g" }], rules: [{ backendRefs: [{ name: "b", priority: 1 }] }] },
    },
  ];
  const result = translate(resourceSetFromObjects(objects, {}), settings);
  const b = result.statuses.find((s) => s.kind === "AgentgatewayBackend");
  assert.ok(b && "conditions" in b.status);
  const accepted = b.status.conditions.find((c) => c.type === "Accepted");
  assert.equal(accepted?.status, "False");
  assert.equal(accepted?.reason, "InvalidConfig");
  // a field upstream has and we do not support is named as such; one nobody has is unknown
  assert.match(accepted?.message ?? "", /spec\.policies\.transformation: not supported by ai-gateway/);
  assert.match(accepted?.message ?? "", /spec\.policies\.frobnicate: unknown field: not supported/);
  const r = result.statuses.find((s) => s.kind === "AIRoute");
  assert.ok(r && "parents" in r.status);
  const msgs = r.status.parents.flatMap((p) => p.conditions.map((c) => c.message)).join(" ");
  assert.match(msgs, /spec\.rules\[0\]\.backendRefs\[0\]\.priority: unknown field: not supported/);
});

test("an invalid providerOverride fails the affected backends closed", () => {
  const c = cases.find((x) => x.name === "provider-override");
  assert.ok(c);
  const result = translate(resourceSetFromObjects(c.file.input), {
    ...settings,
    providerOverride: "ftp://x",
  });
  const failed = result.statuses
    .filter((s) => s.kind === "AgentgatewayBackend")
    .filter((s) => s.kind === "AgentgatewayBackend" && s.status.conditions.some((x) => x.status === "False"))
    .map((s) => s.name);
  assert.deepEqual(failed, ["azure", "gemini", "openai"]);
  assert.deepEqual(
    result.snapshots["default/gw"]?.backends.map((b) => b.name),
    ["own-host"],
  );
});

test("a header regex the proxy cannot run in linear time fails the route with a reason", () => {
  const c = cases.find((x) => x.name === "failure-secret-missing");
  assert.ok(c);
  const withRegex = (value: string) =>
    c.file.input.map((m) => {
      if (manifestId(m) !== "AIRoute/default/openai") return m;
      const r = structuredClone(m) as { spec: { rules: { matches?: unknown[] }[] } };
      const rule = r.spec.rules[0];
      if (rule) rule.matches = [{ headers: [{ name: "x-tenant", type: "RegularExpression", value }] }];
      return r;
    });
  const routeStatus = (out: ReturnType<typeof runCase>) =>
    JSON.stringify(out.statuses.find((s) => s.kind === "AIRoute" && s.name === "openai"));
  for (const [value, why] of [
    ["(a)\\1", /cannot be matched in linear time/],
    ["(?=a)a", /cannot be matched in linear time/],
    // the CRD schema (zod) refuses it first; the linear check would too
    ["a".repeat(1025), /<=1024 characters/],
  ] as const) {
    const out = runCase(c, withRegex(value));
    const status = routeStatus(out);
    assert.match(status, /"reason":"InvalidConfig"/, status);
    assert.match(status, /spec\.rules\[0\]\.matches\[0\]\.headers\[0\]\.value/);
    assert.match(status, why);
    assert.deepEqual(out.snapshots["default/gw"]?.routes, [], "the route is not served");
  }
  const ok = routeStatus(runCase(c, withRegex("(a+)+")));
  assert.doesNotMatch(ok, /InvalidConfig/, "a nested quantifier is fine on the linear engine");
});
