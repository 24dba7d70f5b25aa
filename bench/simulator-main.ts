// The project's simulator as a bench process (pinned to the load CPU by the caller):
//   node bench/simulator-main.ts '<SimulatorOptions JSON>'
// prints "SIMULATOR_URL=http://127.0.0.1:<port>" and serves until SIGTERM.
import { type SimulatorOptions, startSimulator } from "../e2e/simulator/index.ts";

const opts = JSON.parse(process.argv[2] ?? "{}") as SimulatorOptions;
const sim = await startSimulator(opts);
// Recorded requests would grow without bound over a long run: drop them every second.
const trim = setInterval(() => sim.reset(), 1000);
process.stdout.write(`SIMULATOR_URL=${sim.url}\n`);
process.on("SIGTERM", () => {
  clearInterval(trim);
  void sim.close().then(() => process.exit(0));
});
