// The elector against a fake API client: a hung request, a missing Lease namespace, and another
// holder's own lease duration.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLogger } from "../../../gateway/src/log.ts";
import type { KubeResponse, RequestOptions } from "../sources/kubernetes/client.ts";
import { LeaderElector, type LeaseClient } from "./leader-election.ts";

type Handler = (method: string, path: string, opts: RequestOptions) => Promise<KubeResponse>;

function fakeClient(handler: { current: Handler }): LeaseClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    request: (method: string, path: string, opts: RequestOptions = {}) => {
      calls.push(method);
      return handler.current(method, path, opts);
    },
  };
}

function logs(): { lines: Record<string, unknown>[]; log: ReturnType<typeof createLogger> } {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({
    level: "debug",
    destination: { write: (s: string) => void lines.push(JSON.parse(s)) },
  });
  return { lines, log };
}

/** An in-memory Lease store answering GET/POST/PUT like the API server (no namespace checks). */
function leaseServer(initial?: Record<string, unknown>): Handler {
  let lease = initial;
  let rv = 1;
  return async (method, _path, opts) => {
    if (method === "GET") return lease ? { status: 200, body: lease } : { status: 404, body: {} };
    const body = opts.body as { metadata: Record<string, unknown>; spec: unknown };
    lease = { ...body, metadata: { ...body.metadata, resourceVersion: String(++rv) } };
    return { status: method === "POST" ? 201 : 200, body: lease };
  };
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met in ${timeoutMs} ms`);
    await wait(5);
  }
  return Date.now() - start;
}

/** An elector on `handler` whose leadership is readable as `state.leading`. */
function elector(
  handler: { current: Handler },
  opts: { log?: ReturnType<typeof createLogger>; leaseDurationMs: number; renewDeadlineMs: number },
): { e: LeaderElector; state: { leading: boolean } } {
  const state = { leading: false };
  const e = new LeaderElector({
    client: fakeClient(handler),
    log: opts.log ?? logs().log,
    namespace: "ns",
    identity: "me",
    leaseDurationMs: opts.leaseDurationMs,
    renewDeadlineMs: opts.renewDeadlineMs,
    retryPeriodMs: 50,
    onStartedLeading: () => {
      state.leading = true;
    },
    onStoppedLeading: () => {
      state.leading = false;
    },
  });
  return { e, state };
}

test("a leader whose renewal hangs forever stops acting within the renew deadline", async () => {
  const handler = { current: leaseServer() };
  const { log, lines } = logs();
  const renewDeadlineMs = 400;
  const { e, state } = elector(handler, { log, leaseDurationMs: 1000, renewDeadlineMs });
  e.start();
  await until(() => state.leading, 2000);
  // From now on every request hangs and ignores its abort signal: the watchdog must act alone.
  const hungAt = Date.now();
  handler.current = () => new Promise<KubeResponse>(() => {});
  await until(() => !state.leading, 3000);
  const tookMs = Date.now() - hungAt;
  console.log(`stepped down ${tookMs} ms after the API server hung (renew deadline ${renewDeadlineMs} ms)`);
  assert.ok(tookMs <= renewDeadlineMs + 150, `stepped down after ${tookMs} ms`);
  assert.ok(lines.some((l) => String(l.msg).includes("stepping down")));
  handler.current = leaseServer();
  await e.stop();
});

test("a renewal request is aborted when the renew deadline passes", async () => {
  const handler = { current: leaseServer() };
  const aborted: string[] = [];
  const { e, state } = elector(handler, { leaseDurationMs: 1000, renewDeadlineMs: 300 });
  e.start();
  await until(() => state.leading, 2000);
  handler.current = (method, _path, opts) =>
    new Promise<KubeResponse>((_resolve, reject) => {
      opts.signal?.addEventListener("abort", () => {
        aborted.push(method);
        reject(new Error("aborted"));
      });
    });
  await until(() => aborted.length > 0, 2000);
  await until(() => !state.leading, 1000);
  handler.current = leaseServer();
  await e.stop();
});

test("a missing Lease namespace is a clear error, retried, never silent", async () => {
  const handler = {
    current: (async (method: string) =>
      method === "GET"
        ? { status: 404, body: { kind: "Status", message: 'leases "x" not found' } }
        : { status: 404, body: { kind: "Status", message: 'namespaces "nope" not found' } }) as Handler,
  };
  const client = fakeClient(handler);
  const { log, lines } = logs();
  const e = new LeaderElector({
    client,
    log,
    namespace: "nope",
    identity: "me",
    renewDeadlineMs: 200,
    retryPeriodMs: 20,
    onStartedLeading: () => assert.fail("must not lead"),
    onStoppedLeading: () => {},
  });
  e.start();
  await until(() => client.calls.filter((c) => c === "POST").length >= 3, 2000);
  await e.stop();
  const errors = lines.filter((l) => l.level === "error");
  assert.equal(errors.length, 1, "logged once, not once per retry");
  assert.match(String(errors[0]?.msg), /namespace "nope" does not exist/);
});

test("another holder's record is trusted for its own leaseDurationSeconds, not ours", async () => {
  const other = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: { name: "ai-gateway-operator", namespace: "ns", resourceVersion: "1" },
    spec: { holderIdentity: "other", leaseDurationSeconds: 1, renewTime: "2026-01-01T00:00:00.000000Z" },
  };
  const handler = { current: leaseServer(other) };
  const { e, state } = elector(handler, { leaseDurationMs: 60_000, renewDeadlineMs: 500 });
  e.start();
  const took = await until(() => state.leading, 5000);
  assert.ok(took >= 900, `took over after ${took} ms: before the holder's 1 s had passed`);
  await e.stop();
});
