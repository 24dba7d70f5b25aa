// Child-process entry of the open-loop generator, so it runs pinned to the load CPU:
//   node bench/load/open-loop-main.ts '<OpenLoopConfig JSON>'
// prints one line "OPEN_LOOP_RESULT=<json>".
import { OpenLoopConfig, openLoop } from "./open-loop-core.ts";

const cfg = OpenLoopConfig.parse(JSON.parse(process.argv[2] ?? "{}"));
const result = await openLoop(cfg);
process.stdout.write(`OPEN_LOOP_RESULT=${JSON.stringify(result)}\n`);
