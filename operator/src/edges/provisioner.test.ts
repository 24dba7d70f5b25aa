// The provisioner against a fake API (plumbing only; e2e/operator/provisioner.test.ts runs the
// same refusal on a real API server).
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../../gateway/src/log.ts";
import { Reason } from "../core/reasons.ts";
import type { KubeResponse, RequestOptions } from "../sources/kubernetes/client.ts";
import { manifestPath, type ProvisionClient, Provisioner } from "./provisioner.ts";
import type { GatewayInfo } from "./proxy-manifests.ts";

const GW: GatewayInfo = {
  namespace: "team",
  name: "edge",
  uid: "uid-edge",
  listeners: [{ name: "http", port: 8080, protocol: "HTTP" }],
};
const SETTINGS = { image: "img:1", controlPlaneUrl: "http://cp:15010", token: "tok-secret-value" };

/** Objects by API path; records every write. */
function fakeApi(existing: Record<string, unknown>) {
  const objects = new Map(Object.entries(existing));
  const writes: string[] = [];
  const request = (method: string, path: string, opts: RequestOptions = {}): Promise<KubeResponse> => {
    if (method === "GET") {
      const obj = objects.get(path);
      return Promise.resolve(obj ? { status: 200, body: structuredClone(obj) } : { status: 404, body: {} });
    }
    writes.push(`${method} ${path}`);
    if (method === "PATCH") objects.set(path, opts.body);
    if (method === "DELETE") objects.delete(path);
    return Promise.resolve({ status: 200, body: opts.body ?? {} });
  };
  const client: ProvisionClient = {
    request,
    async call(method, path, opts) {
      const res = await request(method, path, opts);
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status}`);
      return res.body;
    },
  };
  return { client, objects, writes };
}

const quietLog = createLogger({ level: "silent" });
const deploymentPath = manifestPath({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "edge", namespace: "team" },
});

test("a Deployment named like the Gateway that it does not control is left untouched and reported", async () => {
  const theirs = {
    metadata: { name: "edge", namespace: "team", labels: { app: "theirs" } },
    spec: { replicas: 3 },
  };
  const api = fakeApi({ [deploymentPath]: theirs });
  const p = new Provisioner({ client: api.client, log: quietLog, settings: SETTINGS });
  const result = await p.sync([GW]);
  assert.equal(result.failed, 0);
  const conflict = result.conflicts.get("team/edge");
  assert.equal(conflict?.reason, Reason.ProvisionedObjectConflict);
  assert.match(conflict?.message ?? "", /Deployment edge/);
  assert.equal(conflict?.message.includes(SETTINGS.token), false);
  assert.deepEqual(api.writes, [], "nothing of the Gateway's is written while one object is foreign");
  assert.deepEqual(api.objects.get(deploymentPath), theirs);
});

test("an object controlled by another owner (or by a deleted Gateway of the same name) is foreign too", async () => {
  const path = manifestPath({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "edge", namespace: "team" },
  });
  const api = fakeApi({
    [path]: {
      metadata: {
        name: "edge",
        ownerReferences: [
          { kind: "Gateway", name: "edge", uid: "uid-of-an-older-edge", controller: true },
          { kind: "Gateway", name: "edge", uid: "uid-edge", controller: false },
        ],
      },
    },
  });
  const p = new Provisioner({ client: api.client, log: quietLog, settings: SETTINGS });
  const result = await p.sync([GW]);
  assert.match(result.conflicts.get("team/edge")?.message ?? "", /ServiceAccount edge/);
  assert.deepEqual(api.writes, []);
});

test("objects this Gateway controls (or absent ones) are applied; the conflict clears when the foreign object goes", async () => {
  const api = fakeApi({
    [deploymentPath]: { metadata: { name: "edge" } },
  });
  const p = new Provisioner({ client: api.client, log: quietLog, settings: SETTINGS });
  assert.equal((await p.sync([GW])).conflicts.size, 1);
  api.objects.set(deploymentPath, {
    metadata: { name: "edge", ownerReferences: [{ kind: "Gateway", uid: "uid-edge", controller: true }] },
  });
  const result = await p.sync([GW]);
  assert.equal(result.conflicts.size, 0);
  assert.equal(result.failed, 0);
  assert.deepEqual(
    api.writes.map((w) => w.split(" ")[0]),
    ["PATCH", "PATCH", "PATCH", "PATCH"],
    "ServiceAccount, Secret, Service, Deployment",
  );
  // Unchanged manifests are not re-read nor re-applied.
  api.writes.length = 0;
  assert.deepEqual(await p.sync([GW]), { failed: 0, conflicts: new Map() });
  assert.deepEqual(api.writes, []);
});
