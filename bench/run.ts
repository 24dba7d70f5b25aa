// `npm run bench [-- --quick] [--only a,b] [--contenders a,b] [--no-deps] [--keep]`
//
// Data plane and control plane of ai-gateway against peers, side by side in one run. Prints
// tables, writes bench/results/<date>[-quick][-partial].json, and after a full run refreshes the results
// section of docs/benchmarks.md. Benchmarks, not tests: nothing here passes or fails on speed.
// Everything it starts it stops, also on Ctrl-C or a crash.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { aiGateway, aiGateway2Workers } from "./contenders/ai-gateway.ts";
import { bareHttp, bareUndici } from "./contenders/bare.ts";
import { direct } from "./contenders/direct.ts";
import { litellm } from "./contenders/litellm.ts";
import { nginxPeer } from "./contenders/nginx.ts";
import { portkey } from "./contenders/portkey.ts";
import type { Contender } from "./contenders/types.ts";
import { runControlPlane } from "./controlplane/run.ts";
import { runDataPlane, runStreaming } from "./dataplane.ts";
import { LOAD_CPU, pinSelf } from "./lib/cpus.ts";
import { type DepStatus, installDeps } from "./lib/deps.ts";
import { machine, versions } from "./lib/machine.ts";
import { RESULTS_DIR } from "./lib/paths.ts";
import { installCleanup } from "./lib/proc.ts";
import { redact } from "./lib/redact.ts";
import { runProfile } from "./profile.ts";
import { updateDocs } from "./report/docs.ts";
import { renderAll } from "./report/render.ts";
import type { Results } from "./report/results.ts";
import { runScaling } from "./scaling.ts";
import { FULL, QUICK } from "./settings.ts";

const PHASES = ["dataplane", "streaming", "scaling", "profile", "controlplane"] as const;
type Phase = (typeof PHASES)[number];
const ALL: Contender[] = [
  direct,
  nginxPeer,
  bareHttp,
  bareUndici,
  aiGateway,
  aiGateway2Workers,
  portkey,
  litellm,
];

const { values } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    contenders: { type: "string" },
    "no-deps": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run bench -- [--quick] [--only ${PHASES.join(",")}] [--contenders ${ALL.map((c) => c.name).join(",")}] [--no-deps] [--keep]
  --quick       short runs and small counts (~2 min) instead of the full run (<= 25 min)
  --only        run only these phases
  --contenders  data-plane contenders to run (direct is always kept as the baseline)
  --no-deps     do not run scripts/bench-deps.sh (use what is installed)
  --keep        keep the temp dir (configs, logs, the .cpuprofile)`);
  process.exit(0);
}

const settings = values.quick ? QUICK : FULL;
const phases = new Set<Phase>(
  values.only
    ? (values.only.split(",").filter((p) => (PHASES as readonly string[]).includes(p)) as Phase[])
    : PHASES,
);
const wanted = values.contenders?.split(",");
const contenders = ALL.filter((c) => c.name === "direct" || !wanted || wanted.includes(c.name));

const work = mkdtempSync(join(tmpdir(), "ai-gateway-bench-"));
installCleanup(() => {
  if (!values.keep) rmSync(work, { recursive: true, force: true });
});
pinSelf(LOAD_CPU);

const started = new Date();
const deps: DepStatus[] = values["no-deps"] ? [] : await installDeps();
const results: Results = {
  date: started.toISOString(),
  mode: settings.quick ? "quick" : "full",
  machine: machine(),
  versions: versions(),
  settings,
  deps,
};

const t0 = performance.now();
if (phases.has("dataplane")) results.dataPlane = await runDataPlane(contenders, settings, join(work, "dp"));
if (phases.has("streaming"))
  results.streaming = await runStreaming(contenders, settings, join(work, "stream"));
if (phases.has("scaling")) results.scaling = await runScaling(settings, join(work, "scale"));
if (phases.has("profile")) {
  const keep = values.keep ? join(work, "proxy.cpuprofile") : undefined;
  results.profile = await runProfile(settings, join(work, "profile"), keep);
}
if (phases.has("controlplane")) results.controlPlane = await runControlPlane(settings, join(work, "cp"));
results.durationS = (performance.now() - t0) / 1000;
results.machine.loadAverage.end = loadavg()[0] ?? 0;

const text = redact(renderAll(results));
console.log(`\n${text}`);
mkdirSync(RESULTS_DIR, { recursive: true });
const day = started.toISOString().slice(0, 10);
// A run of some phases or contenders only is kept apart, so it never overwrites the day's full run
// (which docs/benchmarks.md is rendered from).
const complete = phases.size === PHASES.length && !wanted;
const out = join(RESULTS_DIR, `${day}${settings.quick ? "-quick" : ""}${complete ? "" : "-partial"}.json`);
writeFileSync(out, redact(`${JSON.stringify(results, null, 2)}\n`));
console.log(`\nresults: ${out}`);
if (!settings.quick && complete) {
  updateDocs(text, results);
  console.log("docs/benchmarks.md updated");
}
if (values.keep) console.log(`kept: ${work}`);
process.exit(0);
