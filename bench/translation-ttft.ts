// Not a test: time to first token through the gateway, translated vs native, streaming. One
// in-process simulator (ttft 20 ms) and one in-process proxy; for each pair (client format ->
// provider) N sequential streams, timing from the request to the first content event the client
// sees (OpenAI content delta / Anthropic text_delta). The difference between a translated pair and
// the native pair of the same provider is the translation's cost. Run:
//   ./node_modules/.bin/node bench/translation-ttft.ts [requests]
import { performance } from "node:perf_hooks";
import { backend, GATEWAY_KEY, provider, route, snapshot } from "../e2e/proxy/snapshot-builder.ts";
import { startSimulator } from "../e2e/simulator/index.ts";
import { createLogger } from "../gateway/src/log.ts";
import { startProxy } from "../gateway/src/main.ts";
import { summarize } from "./lib/stats.ts";

const N = Number(process.argv[2] ?? 200);
const sim = await startSimulator({ chunks: 20, ttftMs: 20, interTokenMs: 1 });
const proxy = await startProxy({
  gateway: GATEWAY_KEY,
  adminPort: 0,
  bind: "127.0.0.1",
  portMap: { 80: 0 },
  log: createLogger({ level: "error", destination: { write: () => {} } }),
});
const r = proxy.apply(
  snapshot({
    backends: [
      backend("claude", [[provider(sim.url, "anthropic", { model: "claude-haiku-4-5" })]]),
      backend("gpt", [[provider(sim.url, "openai", { model: "gpt-4o-mini" })]]),
    ],
    routes: [
      route("claude", ["claude"], { match: { path: { type: "PathPrefix", value: "/claude" } } }),
      route("gpt", ["gpt"], { match: { path: { type: "PathPrefix", value: "/gpt" } } }),
    ],
  }),
);
await r.listening;
const base = `http://127.0.0.1:${proxy.listenerPort(80)}`;

const CHAT = { model: "m", stream: true, messages: [{ role: "user", content: "hello" }] };
const MESSAGES = { ...CHAT, max_tokens: 64 };
const PAIRS = [
  { name: "openai -> openai (native)", path: "/gpt/v1/chat/completions", body: CHAT, first: '"content":"H' },
  { name: "anthropic -> openai (translated)", path: "/gpt/v1/messages", body: MESSAGES, first: "text_delta" },
  {
    name: "anthropic -> anthropic (native)",
    path: "/claude/v1/messages",
    body: MESSAGES,
    first: "text_delta",
  },
  {
    name: "openai -> anthropic (translated)",
    path: "/claude/v1/chat/completions",
    body: CHAT,
    first: '"content":"H',
  },
];

async function ttft(path: string, body: unknown, first: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 200 || !res.body) throw new Error(`${path}: HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let seen = "";
  let at: number | undefined;
  for await (const chunk of res.body) {
    seen += decoder.decode(chunk, { stream: true });
    if (at === undefined && seen.includes(first)) at = performance.now() - t0;
  }
  if (at === undefined) throw new Error(`${path}: no content event`);
  return at;
}

const rows: string[] = ["| pair | n | p50 ms | p90 ms | p99 ms |", "| --- | --- | --- | --- | --- |"];
try {
  for (const p of PAIRS) {
    for (let i = 0; i < 10; i++) await ttft(p.path, p.body, p.first); // warm-up
    const xs: number[] = [];
    for (let i = 0; i < N; i++) xs.push(await ttft(p.path, p.body, p.first));
    const s = summarize(xs);
    const f = (v: number | null) => (v === null ? "-" : v.toFixed(2));
    rows.push(`| ${p.name} | ${s.n} | ${f(s.p50)} | ${f(s.p90)} | ${f(s.p99)} |`);
  }
  console.log(rows.join("\n"));
} finally {
  await proxy.close();
  await sim.close();
}
