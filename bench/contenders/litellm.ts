// LiteLLM proxy (PyPI litellm[proxy] in a venv under the bench cache), one worker, the model's
// api_base at the upstream and the provider key in its config (injected, like ai-gateway).
// It refuses to start without a master key unless told this is a local run: the bench runs it
// without client auth, like every other contender.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CHAT_PATH, MODEL, PROVIDER_KEY } from "../lib/fixtures.ts";
import { freePort, HOST, waitForPort } from "../lib/net.ts";
import { LITELLM_BIN } from "../lib/paths.ts";
import { errorLine, Proc } from "../lib/proc.ts";
import { type Contender, Unavailable } from "./types.ts";

export const litellm: Contender = {
  name: "litellm",
  async start(ctx, up) {
    if (!existsSync(LITELLM_BIN)) throw new Unavailable(`not installed (${LITELLM_BIN} missing)`);
    const port = await freePort();
    const config = join(ctx.dir, "litellm.yaml");
    writeFileSync(
      config,
      `model_list:
  - model_name: ${MODEL}
    litellm_params:
      model: openai/${MODEL}
      api_base: http://${up.host}:${up.port}/v1
      api_key: ${PROVIDER_KEY}
litellm_settings:
  telemetry: false
`,
    );
    const args = ["--config", config, "--host", HOST, "--port", String(port), "--num_workers", "1"];
    const proc = new Proc("litellm", LITELLM_BIN, args, {
      cpu: ctx.cpu,
      cwd: ctx.dir,
      env: {
        ...process.env,
        LITELLM_LOG: "ERROR",
        LITELLM_LOCAL_MODEL_COST_MAP: "True",
        LITELLM_TELEMETRY: "False",
        LITELLM_DANGEROUSLY_PERMIT_WEAK_OR_UNSET_MASTER_KEY: "true",
      },
    });
    try {
      await waitForPort(port, 120_000, () => proc.running);
    } catch (err) {
      await proc.stop();
      throw new Unavailable(`did not start: ${(err as Error).message}: ${proc.tail(300)}`);
    }
    return {
      url: `http://${HOST}:${port}${CHAT_PATH}`,
      headers: {},
      pid: proc.pid,
      note: "1 worker, api_base in config, key injected",
      diagnose: () => errorLine(proc.tail(4000)),
      stop: () => proc.stop(),
    };
  },
};
