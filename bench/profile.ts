// Profiles the proxy hot path: the proxy process (one route, mock upstream) is warmed up, then
// runs under the V8 sampling profiler while wrk loads it; the profile is summarised as top self-time functions and
// modules, and kept as a .cpuprofile file (open it in Chrome DevTools) when asked.
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { proxyRunning, startProxyProcess } from "./aigateway/proxy.ts";
import { gatewayConfig } from "./aigateway/snapshot.ts";
import { startMock } from "./contenders/nginx.ts";
import { checkChat } from "./lib/check.ts";
import { LOAD_CPU, SERVER_CPU } from "./lib/cpus.ts";
import { REQUEST_BODY } from "./lib/fixtures.ts";
import { type Outcome, outcomeOf } from "./lib/outcome.ts";
import { REPO } from "./lib/paths.ts";
import { say } from "./lib/say.ts";
import { runWrk, type WrkResult } from "./load/wrk.ts";
import { type ProfileSummary, summarizeProfile } from "./report/cpuprofile.ts";
import type { Settings } from "./settings.ts";

export type ProfileResult = { outcome: Outcome; load?: WrkResult; summary?: ProfileSummary; keptAt?: string };

const PRELOAD = join(REPO, "bench/aigateway/cpu-profile-preload.ts");

export async function runProfile(s: Settings, dir: string, keepTo?: string): Promise<ProfileResult> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "proxy.cpuprofile");
  const mock = await startMock(join(dir, "mock"), LOAD_CPU);
  const saved = process.env.BENCH_CPU_PROFILE;
  process.env.BENCH_CPU_PROFILE = file;
  let stop = async () => {};
  try {
    const p = await startProxyProcess({
      dir,
      cpu: SERVER_CPU,
      config: gatewayConfig(1, "single", mock),
      nodeFlags: ["--import", PRELOAD],
    });
    stop = p.stop;
    const run = proxyRunning(p);
    await checkChat(run.url, REQUEST_BODY, run.headers);
    const wrk = {
      url: run.url,
      body: REQUEST_BODY,
      headers: run.headers,
      connections: s.connections,
      cpu: LOAD_CPU,
      dir,
    };
    await runWrk({ ...wrk, durationS: s.warmupS });
    p.proc.child.kill("SIGUSR2");
    await p.proc.waitForOutput(/CPU_PROFILE_STARTED/, 10_000);
    say("profile", `wrk ${s.connections} connections, ${s.profileS}s, proxy under the V8 profiler`);
    const load = await runWrk({ ...wrk, durationS: s.profileS });
    p.proc.child.kill("SIGUSR2");
    await p.proc.waitForOutput(/CPU_PROFILE_WRITTEN/, 30_000);
    const summary = summarizeProfile(JSON.parse(readFileSync(file, "utf8")), REPO);
    const result: ProfileResult = { outcome: { status: "ok" }, load, summary };
    if (keepTo && existsSync(file)) {
      copyFileSync(file, keepTo);
      result.keptAt = keepTo;
    }
    return result;
  } catch (err) {
    return { outcome: outcomeOf(err) };
  } finally {
    if (saved === undefined) delete process.env.BENCH_CPU_PROFILE;
    else process.env.BENCH_CPU_PROFILE = saved;
    await stop();
    await mock.proc.stop();
  }
}
