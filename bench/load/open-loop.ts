// Runs the open-loop generator as its own process on the load CPU and returns its result.
import { join } from "node:path";
import { NODE, REPO } from "../lib/paths.ts";
import { Proc } from "../lib/proc.ts";
import type { OpenLoopConfig, OpenLoopResult } from "./open-loop-core.ts";

export type { OpenLoopConfig, OpenLoopResult };

export async function runOpenLoop(cfg: OpenLoopConfig, cpu?: string): Promise<OpenLoopResult> {
  const main = join(REPO, "bench/load/open-loop-main.ts");
  const proc = new Proc("open-loop", NODE, [main, JSON.stringify(cfg)], { cpu });
  try {
    const limit = (cfg.durationS + cfg.timeoutMs / 1000 + 30) * 1000;
    const m = await proc.waitForOutput(/OPEN_LOOP_RESULT=(.*)\n/, limit);
    return JSON.parse(m[1] ?? "null") as OpenLoopResult;
  } finally {
    await proc.stop();
  }
}
