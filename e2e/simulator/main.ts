// CLI: node e2e/simulator/main.ts [--port 9000] [--host 127.0.0.1] [--ttft-ms N]
//        [--inter-token-ms N] [--chunks N] [--require-key K]... [--max-recorded N]
// Prints `SIMULATOR_URL=http://<host>:<port>` once listening; runs until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import { startSimulator } from "./index.ts";
import type { SimulatorOptions } from "./types.ts";

export const DEFAULT_CLI_PORT = 9000;

const USAGE = `usage: node e2e/simulator/main.ts [options]
  --port N             port to listen on (default ${DEFAULT_CLI_PORT}; 0 picks a free one)
  --host ADDR          address to bind (default 127.0.0.1)
  --ttft-ms N          delay before the first byte of an answer (default 0)
  --inter-token-ms N   delay between stream chunks (default 0)
  --chunks N           content tokens per answer (default 5)
  --require-key K      accept only this API key (repeat for several)
  --max-recorded N     recorded requests kept, oldest dropped (default 10000)
Prints SIMULATOR_URL=... when listening; control API under /_sim/.`;

function int(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${flag} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

export function parseCli(argv: string[]): SimulatorOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "ttft-ms": { type: "string" },
      "inter-token-ms": { type: "string" },
      chunks: { type: "string" },
      "require-key": { type: "string", multiple: true },
      "max-recorded": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const opts: SimulatorOptions = { port: int("port", values.port) ?? DEFAULT_CLI_PORT };
  if (values.host !== undefined) opts.host = values.host;
  const ttftMs = int("ttft-ms", values["ttft-ms"]);
  if (ttftMs !== undefined) opts.ttftMs = ttftMs;
  const interTokenMs = int("inter-token-ms", values["inter-token-ms"]);
  if (interTokenMs !== undefined) opts.interTokenMs = interTokenMs;
  const chunks = int("chunks", values.chunks);
  if (chunks !== undefined) opts.chunks = chunks;
  const maxRecorded = int("max-recorded", values["max-recorded"]);
  if (maxRecorded !== undefined) opts.maxRecorded = maxRecorded;
  const keys = values["require-key"];
  if (keys && keys.length > 0) opts.requireKey = keys;
  return opts;
}

async function main(): Promise<void> {
  let opts: SimulatorOptions | "help";
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (opts === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const sim = await startSimulator(opts);
  process.stdout.write(`SIMULATOR_URL=${sim.url}\n`);
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    console.error(`simulator failed to start: ${(err as Error).message}`);
    process.exit(1);
  });
}
