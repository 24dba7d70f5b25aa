// Preloaded into the proxy under test (node --import) to profile its steady state without relying
// on how the proxy exits. With $BENCH_CPU_PROFILE set: the first SIGUSR2 starts the V8 sampling
// profiler ("CPU_PROFILE_STARTED" on stderr), the second stops it and writes the profile to that
// path ("CPU_PROFILE_WRITTEN").
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector";

const file = process.env.BENCH_CPU_PROFILE;
if (file) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  let running = false;
  process.on("SIGUSR2", () => {
    if (!running) {
      running = true;
      session.post("Profiler.start", () => process.stderr.write("CPU_PROFILE_STARTED\n"));
      return;
    }
    session.post("Profiler.stop", (err, res) => {
      if (err) process.stderr.write(`CPU_PROFILE_FAILED ${err.message}\n`);
      else {
        writeFileSync(file, JSON.stringify(res.profile));
        process.stderr.write("CPU_PROFILE_WRITTEN\n");
      }
      session.disconnect();
    });
  });
}
