// Config propagation latency, measured from the moment the API server accepted the change:
//   route create -> first 200 through the proxy; route delete -> first 404 (polled every 5 ms);
//   Secret update -> first request the simulator accepts with the new key.
import { randomBytes } from "node:crypto";
import { registerSecret } from "../lib/redact.ts";
import { say } from "../lib/say.ts";
import { type Summary, summarize } from "../lib/stats.ts";
import { create, type Env, SIM_BACKEND } from "./env.ts";
import { airoutesPath, secretPath } from "./kube.ts";
import { airoute, NS, SECRET, secret } from "./manifests.ts";
import { pollUntil } from "./poll.ts";

const TIMEOUT_MS = 30_000;

export type RouteLatency = { n: number; timeouts: number; create: Summary; delete: Summary };
export type SecretLatency = { n: number; timeouts: number; rotate: Summary };

const log = (s: string) => say("control-plane", s);

export async function routeLatency(env: Env, n: number): Promise<RouteLatency> {
  const created: number[] = [];
  const deleted: number[] = [];
  let timeouts = 0;
  log(`${n} sequential route create -> 200 -> delete -> 404`);
  for (let i = 0; i < n; i++) {
    const name = `lat-${i}`;
    const host = `${name}.lat.test`;
    await env.kube.must("POST", airoutesPath(NS), airoute(name, host, SIM_BACKEND), [201]);
    const c = await pollUntil(env.proxyUrl, host, 200, performance.now(), TIMEOUT_MS);
    if (c === null) timeouts++;
    else created.push(c);
    await env.kube.must("DELETE", airoutesPath(NS, name), undefined, [200, 202]);
    const d = await pollUntil(env.proxyUrl, host, 404, performance.now(), TIMEOUT_MS);
    if (d === null) timeouts++;
    else deleted.push(d);
  }
  return { n, timeouts, create: summarize(created), delete: summarize(deleted) };
}

export async function secretLatency(env: Env, n: number): Promise<SecretLatency> {
  const host = "rotate.lat.test";
  await create(env.kube, airoute("rotate", host, SIM_BACKEND));
  const ready = await pollUntil(env.proxyUrl, host, 200, performance.now(), TIMEOUT_MS);
  if (ready === null) throw new Error("the rotation route never answered 200");
  const seen: number[] = [];
  let timeouts = 0;
  log(`${n} sequential Secret rotations -> first request with the new key`);
  for (let i = 0; i < n; i++) {
    const key = registerSecret(`sk-rotated-${i}-${randomBytes(8).toString("hex")}`);
    env.sim.setRequiredKey(key);
    await env.kube.must("PUT", secretPath(NS, SECRET), secret(key));
    const t = await pollUntil(env.proxyUrl, host, 200, performance.now(), TIMEOUT_MS);
    if (t === null) timeouts++;
    else seen.push(t);
  }
  await env.kube.must("DELETE", airoutesPath(NS, "rotate"), undefined, [200, 202]);
  return { n, timeouts, rotate: summarize(seen) };
}
