// The project's simulator (e2e/simulator) as a separate process for the streaming runs.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { SimulatorOptions } from "../../e2e/simulator/index.ts";
import { Unavailable } from "../contenders/types.ts";
import { NODE, REPO } from "./paths.ts";
import { Proc } from "./proc.ts";

export type SimulatorProcess = { host: string; port: number; url: string; stop(): Promise<void> };

export async function startSimulatorProcess(
  opts: SimulatorOptions & { cpu?: string | undefined },
): Promise<SimulatorProcess> {
  if (!existsSync(join(REPO, "e2e/simulator/index.ts"))) throw new Unavailable("e2e/simulator is missing");
  const { cpu, ...simOpts } = opts;
  const proc = new Proc("simulator", NODE, [join(REPO, "bench/simulator-main.ts"), JSON.stringify(simOpts)], {
    cpu,
  });
  try {
    const m = await proc.waitForOutput(/SIMULATOR_URL=(\S+)/, 20_000);
    const url = new URL(m[1] ?? "");
    return { host: url.hostname, port: Number(url.port), url: url.origin, stop: () => proc.stop() };
  } catch (err) {
    await proc.stop();
    throw err;
  }
}
