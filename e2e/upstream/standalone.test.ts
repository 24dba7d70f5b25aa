// The upstream-style corpus (testdata/upstream) in standalone mode, data-driven from each file's
// header: an invalid file is refused by the loader naming the field; the rest is served by one
// standalone process, where a rejected backend is reported Accepted=False naming the field and
// every accepted file's request goes through with the official SDK of its client format, the
// simulator checking what the provider received (path, key, model, SigV4, OAuth token).
import assert from "node:assert/strict";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../gateway/src/log.ts";
import { loadManifests } from "../../operator/src/sources/files/manifests.ts";
import { type Standalone, startStandalone } from "../../operator/src/standalone.ts";
import { CORPUS_DIR, keyOf, providerSecrets, readCorpus, theObject } from "./corpus.ts";
import { exchange } from "./exchange.ts";
import { type CorpusWorld, startCorpusWorld } from "./world.ts";

const GATEWAY = "default/corpus";
/** The accepted files, one test each (known before `before` runs). */
const ACCEPTED = readCorpus()
  .filter((c) => c.header.expect === "accepted")
  .map((c) => c.file);

interface LogRecord {
  msg: string;
  object?: string;
  condition?: string;
  reason?: string;
  field?: string;
}

describe("upstream corpus in standalone mode", { timeout: 120_000 }, () => {
  let world: CorpusWorld;
  let app: Standalone;
  const logLines: string[] = [];
  const records = (): LogRecord[] => logLines.map((l) => JSON.parse(l) as LogRecord);

  before(async () => {
    world = await startCorpusWorld();
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    });
    app = await startStandalone({
      path: world.dir,
      adminPort: 0,
      portMap: new Map([[80, 0]]),
      bind: "127.0.0.1",
      providerOverride: world.sim.url,
      watch: false,
      log: createLogger({ destination: sink }),
    });
  });
  after(async () => {
    await app?.close();
    await world?.close();
  });

  it("refuses every invalid file at load, naming the field", async () => {
    const invalid = world.cases.filter((c) => c.header.expect === "invalid");
    assert.ok(invalid.length > 0);
    for (const c of invalid) {
      if (c.header.expect !== "invalid") continue;
      const r = await loadManifests(join(CORPUS_DIR, c.file));
      assert.equal(r.objects.length, 0, `${c.file}: nothing loaded`);
      assert.equal(r.problems.length, 1, `${c.file}: ${JSON.stringify(r.problems)}`);
      assert.equal(r.problems[0]?.field, c.header.field, `${c.file}: ${JSON.stringify(r.problems[0])}`);
    }
  });

  it("loads the rest of the corpus without a problem", () => {
    const problems = records().filter((r) => r.field !== undefined || /not applied/.test(r.msg));
    assert.deepEqual(problems, []);
    assert.ok(app.proxy(GATEWAY), "the corpus Gateway is served");
  });

  it("reports each rejected backend Accepted=False naming the field, and no accepted one", () => {
    const warned = records().filter((r) => r.condition !== undefined);
    for (const c of world.cases) {
      if (c.header.expect !== "accepted" && c.header.expect !== "rejected") continue;
      const backend = `AgentgatewayBackend ${keyOf(theObject(c, ["AgentgatewayBackend"]))}`;
      const mine = warned.filter((r) => r.object === backend);
      if (c.header.expect === "accepted") {
        const routes = c.objects.filter((o) => o.kind === "HTTPRoute" || o.kind === "AIRoute");
        const objects = [backend, ...routes.map((o) => `${o.kind} ${keyOf(o)}`)];
        assert.deepEqual(
          warned.filter((r) => objects.includes(r.object ?? "")),
          [],
          `${c.file}: no condition is False`,
        );
        continue;
      }
      const rejected = mine.find((r) => r.condition === "Accepted=False");
      assert.ok(rejected, `${c.file}: Accepted=False logged (${JSON.stringify(mine)})`);
      assert.ok(
        rejected.msg.includes(c.header.field),
        `${c.file}: "${rejected.msg}" names ${c.header.field}`,
      );
      if (c.header.message) assert.ok(rejected.msg.includes(c.header.message), `${c.file}: ${rejected.msg}`);
    }
  });

  for (const c of ACCEPTED) {
    it(`${c}: the request reaches the simulator as the file says`, async () => {
      const cc = world.cases.find((x) => x.file === c);
      assert.ok(cc);
      const port = app.proxy(GATEWAY)?.listenerPort(80);
      assert.ok(port);
      await exchange(cc, `http://127.0.0.1:${port}`, world.sim);
    });
  }

  it("never logs a provider key", () => {
    const all = logLines.join("\n");
    const secrets = providerSecrets(world.cases);
    assert.ok(secrets.length > 20, `the corpus's credentials: ${secrets.length}`);
    for (const secret of secrets) assert.ok(!all.includes(secret), "a provider credential is in the logs");
  });
});
