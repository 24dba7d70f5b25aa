// ai-gateway: the proxy process with a one-route snapshot whose backend is the upstream.
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
