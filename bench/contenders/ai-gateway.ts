// ai-gateway: the proxy process with a one-route snapshot whose backend is the upstream.
import { availableParallelism } from "node:os";
import { proxyRunning, startProxyProcess } from "../aigateway/proxy.ts";
import { gatewayConfig } from "../aigateway/snapshot.ts";
import type { Contender } from "./types.ts";

export const aiGateway: Contender = {
  name: "ai-gateway",
  async start(ctx, up) {
    const p = await startProxyProcess({ dir: ctx.dir, cpu: ctx.cpu, config: gatewayConfig(1, "single", up) });
    return proxyRunning(p);
  },
};

/**
 * The same proxy with `--workers 2` (a primary and two workers behind one listener). It is given
 * every CPU of the machine, the load generator's included: on a 2-core machine that is all there
 * is, so compare it with the 1-worker row knowing the load generator competes for the same cores.
 */
export const aiGateway2Workers: Contender = {
  name: "ai-gateway-2w",
  async start(ctx, up) {
    const cpu = ctx.cpu === undefined ? undefined : `0-${Math.max(1, availableParallelism() - 1)}`;
    const p = await startProxyProcess({
      dir: ctx.dir,
      cpu,
      config: gatewayConfig(1, "single", up),
      workers: 2,
    });
    return { ...proxyRunning(p), note: "2 workers, on every CPU (shared with the load generator)" };
  },
};
