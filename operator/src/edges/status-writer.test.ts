// The status writer's answers to the API server, with a fake client: 409 re-reads and retries
// with the fresh object, 404 drops the write (the object is gone), a 422 is terminal (not retried
// on every reconcile), a 5xx is a failure the controller retries with backoff.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../../gateway/src/log.ts";
import type { ObjectStatus } from "../core/types.ts";
import { createOperatorMetrics } from "../metrics.ts";
import type { KubeClient } from "../sources/kubernetes/client.ts";
import { StatusWriter } from "./status-writer.ts";

const backend = (rv: string) => ({
  apiVersion: "agentgateway.dev/v1alpha1",
  kind: "AgentgatewayBackend",
  metadata: { namespace: "ns", name: "b", resourceVersion: rv, generation: 1 },
  spec: {},
  status: {},
});
const status: ObjectStatus = {
  kind: "AgentgatewayBackend",
  namespace: "ns",
  name: "b",
  generation: 1,
  status: {
    conditions: [
      { type: "Accepted", status: "True", reason: "Accepted", message: "ok", observedGeneration: 1 },
    ],
  },
} as unknown as ObjectStatus;

function world(answers: { status: number; body?: unknown }[], now?: () => Date) {
  const calls: { method: string; body?: unknown }[] = [];
  const client = {
    request: async (method: string, _path: string, opts: { body?: unknown } = {}) => {
      calls.push({ method, body: opts.body });
      const a = answers.shift() ?? { status: 500 };
      return { status: a.status, body: a.body ?? {} };
    },
  } as unknown as KubeClient;
  const objects = new Map<string, unknown>([["AgentgatewayBackend", backend("1")]]);
  const cache = {
    get: (kind: string) => objects.get(kind),
    list: () => [],
    upsert: (kind: string, obj: unknown) => objects.set(kind, obj),
  };
  const logs: string[] = [];
  const log = createLogger({ destination: { write: (l: string) => logs.push(l) } as never });
  const writer = new StatusWriter({
    client,
    cache,
    controllerName: "agentgateway.dev/ai-gateway",
    log,
    metrics: createOperatorMetrics(),
    ...(now ? { now } : {}),
  });
  return { writer, calls, logs };
}

test("409: the object is read again and the write retried with its resourceVersion", async () => {
  const { writer, calls } = world([
    { status: 409 },
    { status: 200, body: backend("5") },
    { status: 200, body: backend("6") },
  ]);
  const r = await writer.sync([status]);
  assert.deepEqual(r, { written: 1, failed: 0 });
  assert.deepEqual(
    calls.map((c) => c.method),
    ["PATCH", "GET", "PATCH"],
  );
  assert.equal(
    (calls[2]?.body as { metadata: { resourceVersion: string } } | undefined)?.metadata.resourceVersion,
    "5",
  );
});

test("404 on the write or on the re-read: the object is gone, nothing is retried", async () => {
  const gone = world([{ status: 404 }]);
  assert.deepEqual(await gone.writer.sync([status]), { written: 0, failed: 0 });
  const goneLater = world([{ status: 409 }, { status: 404 }]);
  assert.deepEqual(await goneLater.writer.sync([status]), { written: 0, failed: 0 });
  assert.deepEqual(
    goneLater.calls.map((c) => c.method),
    ["PATCH", "GET"],
  );
});

test("422 is terminal: logged once, not a failure to retry, not written again for the same target", async () => {
  const { writer, calls, logs } = world([{ status: 422 }]);
  assert.deepEqual(await writer.sync([status]), { written: 0, failed: 0 });
  assert.ok(logs.some((l) => l.includes("status write refused by the API server")));
  assert.deepEqual(await writer.sync([status]), { written: 0, failed: 0 });
  assert.equal(calls.length, 1, "the refused write is not sent again");
});

test("a 5xx is a failure (the controller retries with backoff)", async () => {
  const { writer } = world([{ status: 503 }]);
  assert.deepEqual(await writer.sync([status]), { written: 0, failed: 1 });
});

test("the writes of one reconcile log with its reconcile id", async () => {
  const { writer, logs } = world([{ status: 200, body: backend("2") }]);
  const lines: string[] = [];
  const log = createLogger({ destination: { write: (l: string) => lines.push(l) } as never }).child({
    reconcileId: 7,
  });
  await writer.sync([status], log);
  assert.ok(
    lines.some((l) => l.includes('"reconcileId":7') && l.includes("status written")),
    lines.join(""),
  );
  assert.equal(logs.length, 0);
});

test("per-object backoff: a failing object is not tried again until its backoff passes", async () => {
  let t = 1_000_000;
  const { writer, calls } = world(
    [{ status: 503 }, { status: 503 }, { status: 200, body: backend("3") }],
    () => new Date(t),
  );
  assert.deepEqual(await writer.sync([status]), { written: 0, failed: 1 });
  t += 100; // inside the first backoff (500 ms)
  assert.deepEqual(await writer.sync([status]), { written: 0, failed: 1 });
  assert.equal(calls.length, 1, "not tried during its backoff");
  t += 500;
  assert.deepEqual(await writer.sync([status]), { written: 0, failed: 1 });
  assert.equal(calls.length, 2);
  t += 600; // inside the doubled backoff (1 s)
  await writer.sync([status]);
  assert.equal(calls.length, 2);
  t += 500;
  assert.deepEqual(await writer.sync([status]), { written: 1, failed: 0 });
  assert.equal(calls.length, 3);
});
