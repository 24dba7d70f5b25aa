// Reference contenders: a bare Node reverse proxy (bench/bare/proxy-main.ts) on http.request and
// on undici. They do the least any Node gateway must (read the body, inject the key, forward with
// keep-alive, pipe back), so "ai-gateway ÷ bare-undici" says how much the gateway's own work costs.
import { join } from "node:path";
import { CHAT_PATH, PROVIDER_KEY } from "../lib/fixtures.ts";
import { freePort, HOST, waitForPort } from "../lib/net.ts";
import { NODE, REPO } from "../lib/paths.ts";
import { Proc } from "../lib/proc.ts";
import type { Contender } from "./types.ts";

const MAIN = join(REPO, "bench/bare/proxy-main.ts");

function bare(client: "http" | "undici"): Contender {
  return {
    name: `bare-${client}`,
    async start(ctx, up) {
      const port = await freePort();
      const proc = new Proc(
        `bare-${client}`,
        NODE,
        [
          MAIN,
          "--client",
          client,
          "--port",
          String(port),
          "--upstream",
          `http://${up.host}:${up.port}`,
          "--key",
          PROVIDER_KEY,
        ],
        { cpu: ctx.cpu, cwd: ctx.dir },
      );
      try {
        await waitForPort(port, 10_000, () => proc.running);
      } catch (err) {
        await proc.stop();
        throw new Error(`bare-${client}: ${(err as Error).message}: ${proc.tail(400)}`);
      }
      return {
        url: `http://${HOST}:${port}${CHAT_PATH}`,
        headers: {},
        pid: proc.pid,
        note: `bare Node proxy on ${client === "http" ? "http.request + keep-alive Agent" : "undici Pool.request"} (reference)`,
        stop: () => proc.stop(),
      };
    },
  };
}

export const bareHttp = bare("http");
export const bareUndici = bare("undici");
