// Control plane phase: propagation latency (routes, Secrets), then scale (bulk routes/backends).
import { randomBytes } from "node:crypto";
import { type Outcome, outcomeOf } from "../lib/outcome.ts";
import { say } from "../lib/say.ts";
import type { Settings } from "../settings.ts";
import { type BulkResult, bulk } from "./bulk.ts";
import { startEnv } from "./env.ts";
import { type RouteLatency, routeLatency, type SecretLatency, secretLatency } from "./latency.ts";

export type ControlPlaneResult = {
  outcome: Outcome;
  startupMs?: number;
  routes?: RouteLatency;
  secrets?: SecretLatency;
  bulk?: BulkResult;
};

export async function runControlPlane(s: Settings, dir: string): Promise<ControlPlaneResult> {
  const res: ControlPlaneResult = { outcome: { status: "ok" } };
  const t0 = performance.now();
  let stop = async () => {};
  try {
    say("control-plane", "starting kube-apiserver, etcd, operator, proxy");
    const env = await startEnv(dir, `sk-bench-initial-${randomBytes(8).toString("hex")}`);
    stop = env.stop;
    res.startupMs = performance.now() - t0;
    res.routes = await routeLatency(env, s.cpRoutes);
    res.secrets = await secretLatency(env, s.cpSecretRotations);
    res.bulk = await bulk(env, s.cpBulkRoutes, s.cpBulkBackends, s.quick ? 180_000 : 600_000);
  } catch (err) {
    res.outcome = outcomeOf(err);
    say("control-plane", res.outcome.status === "ok" ? "" : res.outcome.reason);
  } finally {
    await stop();
  }
  return res;
}
