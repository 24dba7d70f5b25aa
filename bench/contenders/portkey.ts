// Portkey's open-source gateway (npm @portkey-ai/gateway, installed by scripts/bench-deps.sh into
// the bench cache), run by Node 24 in headless mode. It is pointed at the upstream per request
// with its custom host header; the OSS gateway stores no keys, so the client sends the provider
// key itself (it cannot inject one without a config).
import { existsSync } from "node:fs";
import { CHAT_PATH, PROVIDER_KEY } from "../lib/fixtures.ts";
import { freePort, HOST, waitForPort } from "../lib/net.ts";
import { NODE, PORTKEY_ENTRY } from "../lib/paths.ts";
import { errorLine, Proc } from "../lib/proc.ts";
import { type Contender, Unavailable } from "./types.ts";

export const portkey: Contender = {
  name: "portkey",
  async start(ctx, up) {
    if (!existsSync(PORTKEY_ENTRY)) throw new Unavailable(`not installed (${PORTKEY_ENTRY} missing)`);
    const port = await freePort();
    const proc = new Proc("portkey", NODE, [PORTKEY_ENTRY, `--port=${port}`, "--headless"], {
      cpu: ctx.cpu,
      cwd: ctx.dir,
      env: { ...process.env, NODE_ENV: "production" },
    });
    try {
      await waitForPort(port, 30_000, () => proc.running);
    } catch (err) {
      await proc.stop();
      throw new Unavailable(`did not start: ${(err as Error).message}: ${proc.tail(300)}`);
    }
    return {
      url: `http://${HOST}:${port}${CHAT_PATH}`,
      headers: {
        "x-portkey-provider": "openai",
        "x-portkey-custom-host": `http://${up.host}:${up.port}/v1`,
        authorization: `Bearer ${PROVIDER_KEY}`,
      },
      pid: proc.pid,
      note: "custom host header; client sends the key",
      diagnose: () => errorLine(proc.tail(4000)),
      stop: () => proc.stop(),
    };
  },
};
