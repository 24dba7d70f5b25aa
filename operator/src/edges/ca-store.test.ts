import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { test } from "node:test";
import type { KubeResponse, RequestOptions } from "../sources/kubernetes/client.ts";
import { splitPem } from "./ca.ts";
import { type CaApi, CaStore } from "./ca-store.ts";

const DAY = 86_400_000;
const PATH = "/api/v1/namespaces/sys/secrets/ai-gateway-ca";

/** An in-memory Secret endpoint with the API server's create/update conflict rules. */
class FakeApi implements CaApi {
  secret: Record<string, unknown> | undefined;
  rv = 0;
  writes: string[] = [];
  /** Runs before each request is answered (to interleave another replica). */
  before: ((method: string) => Promise<void>) | undefined;

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<KubeResponse> {
    await this.before?.(method);
    const body = structuredClone(opts.body) as { metadata: Record<string, unknown> } | undefined;
    if (method === "GET") {
      assert.equal(path, PATH);
      return this.secret ? { status: 200, body: structuredClone(this.secret) } : { status: 404, body: {} };
    }
    if (method === "POST") {
      assert.equal(path, "/api/v1/namespaces/sys/secrets");
      if (this.secret) return { status: 409, body: { reason: "AlreadyExists" } };
      this.#store(body);
      this.writes.push("create");
      return { status: 201, body: this.secret };
    }
    if (method === "PUT") {
      assert.equal(path, PATH);
      if (!this.secret || body?.metadata.resourceVersion !== String(this.rv)) {
        return { status: 409, body: { reason: "Conflict" } };
      }
      this.#store(body);
      this.writes.push("update");
      return { status: 200, body: this.secret };
    }
    throw new Error(`unexpected ${method}`);
  }

  #store(body: { metadata: Record<string, unknown> } | undefined): void {
    this.rv++;
    this.secret = { ...body, metadata: { ...body?.metadata, resourceVersion: String(this.rv) } };
  }

  data(key: string): string {
    const d = (this.secret?.data ?? {}) as Record<string, string>;
    return Buffer.from(d[key] ?? "", "base64").toString("utf8");
  }
}

function store(api: FakeApi, now: () => Date, caValidityMs = 90 * DAY): CaStore {
  return new CaStore({ client: api, namespace: "sys", caValidityMs, now });
}

test("first start creates the CA Secret; later starts reuse it", async () => {
  const api = new FakeApi();
  const now = new Date("2026-01-01T00:00:00Z");
  const first = await store(api, () => now).ensure();
  assert.deepEqual(api.writes, ["create"]);
  assert.equal(api.secret?.type, "kubernetes.io/tls");
  assert.equal(api.data("tls.crt"), first.ca.certPem);
  assert.equal(api.data("tls.key"), first.ca.keyPem);
  assert.equal(splitPem(first.bundlePem).length, 1);
  const again = await store(api, () => new Date(now.getTime() + DAY)).ensure();
  assert.deepEqual(again.ca, first.ca);
  assert.deepEqual(api.writes, ["create"], "nothing rewritten");
});

test("replicas starting together converge on one CA (409 AlreadyExists → re-read)", async () => {
  const api = new FakeApi();
  const now = () => new Date("2026-01-01T00:00:00Z");
  // Both replicas read "missing" before either creates.
  let gets = 0;
  let release: () => void = () => {};
  const bothRead = new Promise<void>((r) => {
    release = r;
  });
  api.before = async (method) => {
    if (method === "GET" && ++gets <= 2) {
      if (gets === 2) release();
      await bothRead;
    }
  };
  const [a, b] = await Promise.all([store(api, now).ensure(), store(api, now).ensure()]);
  assert.deepEqual(api.writes, ["create"]);
  assert.deepEqual(a.ca, b.ca);
  assert.equal(a.ca.certPem, api.data("tls.crt"));
});

test("rotation: a new CA once a third of the life remains, bundle old+new, old dropped after it expires", async () => {
  const api = new FakeApi();
  const t0 = new Date("2026-01-01T00:00:00Z").getTime();
  let now = t0;
  const s = store(api, () => new Date(now), 90 * DAY);
  const old = await s.ensure();

  now = t0 + 59 * DAY; // 31 days of 90 left: not yet
  assert.deepEqual((await s.ensure()).ca, old.ca);

  now = t0 + 61 * DAY; // 29 days left: rotate
  const rotated = await s.ensure();
  assert.notEqual(rotated.ca.certPem, old.ca.certPem);
  const bundle = splitPem(rotated.bundlePem).map((p) => new X509Certificate(p).fingerprint256);
  assert.deepEqual(bundle, [
    new X509Certificate(rotated.ca.certPem).fingerprint256,
    new X509Certificate(old.ca.certPem).fingerprint256,
  ]);
  assert.equal(api.data("tls.crt"), rotated.ca.certPem);
  assert.equal(api.data("ca.crt"), rotated.bundlePem);

  now = t0 + 80 * DAY; // old still valid: bundle unchanged
  assert.equal((await s.ensure()).bundlePem, rotated.bundlePem);

  now = t0 + 91 * DAY; // old expired: dropped
  const pruned = await s.ensure();
  assert.deepEqual(pruned.ca, rotated.ca);
  assert.equal(splitPem(pruned.bundlePem).length, 1);
  assert.equal(api.data("ca.crt"), pruned.bundlePem);
  assert.deepEqual(api.writes, ["create", "update", "update"]);
});

test("two replicas rotating at once converge on the CA the first one wrote (409 on update → re-read)", async () => {
  const api = new FakeApi();
  const t0 = new Date("2026-01-01T00:00:00Z").getTime();
  let now = t0;
  await store(api, () => new Date(now), 90 * DAY).ensure();
  now = t0 + 70 * DAY;
  const [a, b] = await Promise.all([
    store(api, () => new Date(now), 90 * DAY).ensure(),
    store(api, () => new Date(now), 90 * DAY).ensure(),
  ]);
  assert.deepEqual(a.ca, b.ca);
  assert.equal(a.ca.certPem, api.data("tls.crt"));
  assert.deepEqual(api.writes, ["create", "update"]);
});

test("a Secret without a key is a clear error, and the key is never in it", async () => {
  const api = new FakeApi();
  api.secret = {
    metadata: { resourceVersion: "1" },
    data: { "tls.crt": Buffer.from("x").toString("base64") },
  };
  await assert.rejects(store(api, () => new Date()).ensure(), /lacks tls.crt or tls.key/);
});
