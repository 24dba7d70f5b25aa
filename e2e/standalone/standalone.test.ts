// The standalone mode end to end: quickstart manifests from files → translator → proxy →
// simulator, with the official OpenAI SDK as the client, then edits to the files while it runs.
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, test } from "node:test";
import OpenAI from "openai";
import { createLogger } from "../../gateway/src/log.ts";
import { type Standalone, startStandalone } from "../../operator/src/standalone.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";

const GATEWAY = "agentgateway-system/llm-gateway";
let dir: string;
let sim: Simulator;
let app: Standalone;
const logLines: string[] = [];

function client(): OpenAI {
  const port = app.proxy(GATEWAY)?.listenerPort(80);
  assert.ok(port, "listener 80 is served");
  return new OpenAI({
    baseURL: `http://127.0.0.1:${port}/v1`,
    apiKey: "client-side-key-must-not-travel",
    maxRetries: 0,
  });
}

async function chat(): Promise<OpenAI.Chat.Completions.ChatCompletion> {
  return client().chat.completions.create({
    model: "gpt-4o-mini",
    messages: [{ role: "user", content: "Hi" }],
  });
}

/** Edit files, then wait until the watcher applied them. */
async function edit(change: () => Promise<void>): Promise<void> {
  const reloaded = app.nextReload();
  await change();
  await reloaded;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "aigw-standalone-"));
  await cp("examples/quickstart", dir, { recursive: true });
  sim = await startSimulator({ port: 0 });
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  app = await startStandalone({
    path: dir,
    adminPort: 0,
    portMap: new Map([[80, 0]]),
    bind: "127.0.0.1",
    providerOverride: sim.url,
    log: createLogger({ destination: sink }),
  });
});

after(async () => {
  await app?.close();
  await sim?.close();
  await rm(dir, { recursive: true, force: true });
});

test("the quickstart answers a keyless client; the Secret's key is injected, the client's is not", async () => {
  const res = await chat();
  assert.equal(res.choices[0]?.message.role, "assistant");
  assert.ok((res.usage?.total_tokens ?? 0) > 0);
  const seen = sim.lastRequest();
  assert.equal(seen?.path, "/v1/chat/completions");
  assert.equal(seen?.headers.authorization, "Bearer sk-quickstart-demo-key");
  assert.ok(!JSON.stringify(seen?.headers).includes("client-side-key-must-not-travel"));
});

test("rotating the Secret in its file takes effect on the next request", async () => {
  const file = join(dir, "10-secret.yaml");
  await edit(async () =>
    writeFile(file, (await readFile(file, "utf8")).replace("sk-quickstart-demo-key", "sk-rotated-key")),
  );
  await chat();
  assert.equal(sim.lastRequest()?.headers.authorization, "Bearer sk-rotated-key");
});

test("removing the route file is a kill switch; putting it back restores traffic", async () => {
  const file = join(dir, "40-route.yaml");
  await edit(() => rename(file, `${file}.off`));
  await assert.rejects(chat(), (err: unknown) => {
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 404);
    return true;
  });
  await edit(() => rename(`${file}.off`, file));
  const res = await chat();
  assert.ok(res.choices.length > 0);
});

test("a broken file is reported with file, line, object and field; the last good config keeps serving", async () => {
  const file = join(dir, "20-backend.yaml");
  const good = await readFile(file, "utf8");
  await edit(() => writeFile(file, good.replace("model: gpt-4o-mini", "model: [not, a, string]")));
  const problem = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.field);
  assert.ok(problem, "a problem record was logged");
  assert.match(String(problem.file), /20-backend\.yaml$/);
  assert.equal(problem.object, "AgentgatewayBackend agentgateway-system/openai");
  assert.equal(problem.field, "spec.ai.provider.openai.model");
  assert.equal(problem.line, 10);
  const res = await chat();
  assert.ok(res.choices.length > 0, "still served by the last good config");
  await edit(() => writeFile(file, good));
});

test("logs never contain the provider key", () => {
  const all = logLines.join("\n");
  assert.ok(!all.includes("sk-quickstart-demo-key"));
  assert.ok(!all.includes("sk-rotated-key"));
});
