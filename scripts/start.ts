// `npm start`: the product, standalone and offline. Serves examples/quickstart/ (the same manifests
// a cluster user applies) on localhost:8080 and sends provider traffic to the bundled simulator.
// Edit the files while it runs: changes are live; a broken file is reported and the last good
// config keeps serving. Ctrl-C stops everything.
import { startSimulator } from "../e2e/simulator/index.ts";
import { startStandalone } from "../operator/src/standalone.ts";

const dir = process.env.AI_GATEWAY_EXAMPLE ?? "examples/quickstart";
const port = Number(process.env.PORT ?? 8080);
const adminPort = Number(process.env.ADMIN_PORT ?? 15000);

const sim = await startSimulator({ port: 0, interTokenMs: 20 });
const app = await startStandalone({
  path: dir,
  portMap: new Map([[80, port]]),
  adminPort,
  bind: "127.0.0.1",
  providerOverride: sim.url,
});

console.log(`
ai-gateway is serving ${dir} on http://localhost:${port} (provider: local simulator at ${sim.url})
metrics: http://localhost:${adminPort}/metrics   config (redacted): http://localhost:${adminPort}/config_dump

Try it (no API key: the gateway injects the one from the Secret):

  curl -s http://localhost:${port}/v1/chat/completions -H 'content-type: application/json' \\
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}'

Streaming:

  curl -sN http://localhost:${port}/v1/chat/completions -H 'content-type: application/json' \\
    -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello"}]}'

Kill switch: move ${dir}/40-route.yaml away and the same curl gets 404; put it back to restore.
Ctrl-C to stop.
`);

await new Promise<void>((resolve) => {
  process.once("SIGINT", resolve);
  process.once("SIGTERM", resolve);
});
await app.close();
await sim.close();
