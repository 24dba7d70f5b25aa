// Text of the profile section: top self-time functions and modules.
import type { ProfileResult } from "../profile.ts";
import { mdTable, num } from "./table.ts";

export function renderProfile(p: ProfileResult): string {
  if (p.outcome.status !== "ok" || !p.summary) {
    return `not profiled: ${p.outcome.status === "ok" ? "no profile" : p.outcome.reason}`;
  }
  const s = p.summary;
  const fns = mdTable(
    ["function (self time)", "where", "ms", "%"],
    s.functions.map((f) => [f.name, f.where, num(f.ms), f.pct.toFixed(1)]),
  );
  const mods = mdTable(
    ["module / package (self time)", "ms", "%"],
    s.modules.map((m) => [m.name, num(m.ms), m.pct.toFixed(1)]),
  );
  const own = mdTable(
    ["ai-gateway function (inclusive: self + callees)", "where", "ms", "%"],
    s.ownInclusive.map((f) => [f.name, f.where, num(f.ms), f.pct.toFixed(1)]),
  );
  const load = p.load ? `${num(p.load.rps)} req/s under the profiler; ` : "";
  return `${load}${num(s.totalMs)} ms sampled.\n\n${fns}\n\n${mods}\n\n${own}${p.keptAt ? `\n\nprofile: ${p.keptAt}` : ""}`;
}
