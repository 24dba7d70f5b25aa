// Summarises a V8 .cpuprofile: self time per function and per module (file or npm package).
import { z } from "zod";

const CallFrame = z.object({
  functionName: z.string(),
  url: z.string(),
  lineNumber: z.number(),
  columnNumber: z.number(),
});
const CpuProfile = z.object({
  nodes: z.array(
    z.object({ id: z.number(), callFrame: CallFrame, children: z.array(z.number()).optional() }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});

export type SelfTime = { name: string; where: string; ms: number; pct: number };
export type ProfileSummary = {
  totalMs: number;
  /** Self time per function. */
  functions: SelfTime[];
  /** Self time per file or package. */
  modules: SelfTime[];
  /** Inclusive time (self + callees) of the repository's own functions: the cost of each stage. */
  ownInclusive: SelfTime[];
};

/** file:///work/main/gateway/src/x.ts -> gateway/src/x.ts; node_modules/pino/... -> pino; node:http stays. */
export function moduleOf(url: string, repo: string): string {
  if (url === "") return "(native / V8)";
  const path = url.replace(/^file:\/\//, "");
  const nm = path.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = path.slice(nm + "node_modules/".length).split("/");
    return `npm:${rest[0]?.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]}`;
  }
  return path.startsWith(`${repo}/`) ? path.slice(repo.length + 1) : path;
}

function top(map: Map<string, { name: string; where: string; us: number }>, totalUs: number, n: number) {
  return [...map.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, n)
    .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, pct: (100 * e.us) / totalUs }));
}

/** Ids of the nodes at or under a frame from `excludedUrl` (the bench's own profiler hook). */
function excludedNodes(p: z.infer<typeof CpuProfile>, excludedUrl: string): Set<number> {
  const out = new Set<number>();
  const children = new Map(p.nodes.map((node) => [node.id, node.children ?? []]));
  const mark = (id: number) => {
    out.add(id);
    for (const c of children.get(id) ?? []) mark(c);
  };
  for (const node of p.nodes)
    if (node.callFrame.url.includes(excludedUrl) && !out.has(node.id)) mark(node.id);
  return out;
}

function ownInclusive(p: z.infer<typeof CpuProfile>, selfUs: Map<number, number>, repo: string) {
  const parent = new Map<number, number>();
  for (const node of p.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
  const frames = new Map(p.nodes.map((node) => [node.id, node.callFrame]));
  const out = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = frames.get(cur);
      if (!cf?.url.startsWith(`file://${repo}/`) || cf.url.includes("/node_modules/")) continue;
      const where = `${moduleOf(cf.url, repo)}:${cf.lineNumber + 1}`;
      const name = cf.functionName || "(anonymous)";
      const key = `${name}@${where}`;
      if (seen.has(key)) continue; // recursion: count a sample once per function
      seen.add(key);
      const e = out.get(key) ?? { name, where, us: 0 };
      e.us += us;
      out.set(key, e);
    }
  }
  return out;
}

export function summarizeProfile(raw: unknown, repo: string, n = 15): ProfileSummary {
  const p = CpuProfile.parse(raw);
  const byId = new Map(p.nodes.map((node) => [node.id, node.callFrame]));
  const skip = excludedNodes(p, "/bench/aigateway/");
  const selfUs = new Map<number, number>();
  let totalUs = 0;
  p.samples.forEach((id, i) => {
    if (skip.has(id)) return;
    const dt = Math.max(0, p.timeDeltas[i] ?? 0);
    selfUs.set(id, (selfUs.get(id) ?? 0) + dt);
    totalUs += dt;
  });
  const fns = new Map<string, { name: string; where: string; us: number }>();
  const mods = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const cf = byId.get(id);
    if (!cf) continue;
    const mod = moduleOf(cf.url, repo);
    const name = cf.functionName || "(anonymous)";
    const where = cf.url ? `${mod}:${cf.lineNumber + 1}` : mod;
    const fk = `${name}@${where}`;
    const f = fns.get(fk) ?? { name, where, us: 0 };
    f.us += us;
    fns.set(fk, f);
    const modName = name.startsWith("(") && !cf.url ? name : mod;
    const m = mods.get(modName) ?? { name: modName, where: "", us: 0 };
    m.us += us;
    mods.set(modName, m);
  }
  return {
    totalMs: totalUs / 1000,
    functions: top(fns, totalUs, n),
    modules: top(mods, totalUs, n),
    ownInclusive: top(ownInclusive(p, selfUs, repo), totalUs, n),
  };
}
