import assert from "node:assert/strict";
import { test } from "node:test";
import { resourceSetFromObjects } from "./resource-set.ts";

const gw = (name: string, namespace?: string) => ({
  apiVersion: "gateway.networking.k8s.io/v1",
  kind: "Gateway",
  metadata: { name, ...(namespace ? { namespace } : {}) },
  spec: { gatewayClassName: "c", listeners: [] },
});

test("objects are sorted into lists by group and kind, then by namespace/name", () => {
  const rs = resourceSetFromObjects([
    gw("b", "ns2"),
    gw("a", "ns2"),
    gw("z", "ns1"),
    { apiVersion: "v1", kind: "Secret", metadata: { name: "s", namespace: "ns" } },
    { apiVersion: "agentgateway.dev/v1alpha1", kind: "AIRoute", metadata: { name: "r", namespace: "ns" } },
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "ns" } },
  ]);
  assert.deepEqual(
    rs.gateways.map((g) => `${g.metadata.namespace}/${g.metadata.name}`),
    ["ns1/z", "ns2/a", "ns2/b"],
  );
  assert.equal(rs.secrets.length, 1);
  assert.equal(rs.aiRoutes.length, 1);
  assert.equal(rs.namespaces.length, 1);
  assert.deepEqual(rs.dataPlane, {});
});

test("namespaced objects without a namespace land in default; cluster-scoped ones do not", () => {
  const rs = resourceSetFromObjects([
    gw("g"),
    { apiVersion: "gateway.networking.k8s.io/v1", kind: "GatewayClass", metadata: { name: "c" }, spec: {} },
  ]);
  assert.equal(rs.gateways[0]?.metadata.namespace, "default");
  assert.equal(rs.gatewayClasses[0]?.metadata.namespace, undefined);
});

test("input objects are not mutated", () => {
  const input = gw("g");
  resourceSetFromObjects([input]);
  assert.equal("namespace" in input.metadata, false);
});

test("Lists are flattened; unknown kinds, wrong groups and non-objects are ignored", () => {
  const rs = resourceSetFromObjects([
    {
      apiVersion: "v1",
      kind: "List",
      items: [gw("in-list", "ns"), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }],
    },
    { apiVersion: "gateway.kgateway.dev/v1alpha1", kind: "Gateway", metadata: { name: "other-group" } },
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" } },
    null,
    "text",
    [gw("in-array", "ns")],
  ]);
  assert.deepEqual(
    rs.gateways.map((g) => g.metadata.name),
    ["in-list"],
  );
});

test("dataPlane is copied in", () => {
  const dp = { "ns/g": { connectedProxies: 1 } };
  const rs = resourceSetFromObjects([], dp);
  assert.deepEqual(rs.dataPlane, dp);
  assert.notEqual(rs.dataPlane, dp);
});
