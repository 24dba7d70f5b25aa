// The upstream-style corpus (testdata/upstream) against a real API server, data-driven from each
// file's header: invalid files fail `kubectl apply` naming the field and are not stored; the rest
// is applied at once, the operator process writes Accepted=True, or Accepted=False naming the
// field; a real proxy process serves the corpus Gateway and every accepted file's request goes
// through with the official SDK of its client format to the simulator, which checks the key, the
// model, the path, the SigV4 signature and the OAuth token. One control plane for the corpus.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { cond, GATEWAY_CLASS_YAML, getObj, routeCond } from "../operator/k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "../operator/operator-process.ts";
import { startTestProxy, type TestProxy } from "../operator/proxy-process.ts";
import { proxyToken } from "../operator/proxy-token.ts";
import { CORPUS_DIR, type CorpusCase, keyOf, providerSecrets, readCorpus, theObject } from "./corpus.ts";
import { exchange } from "./exchange.ts";
import { type CorpusWorld, startCorpusWorld } from "./world.ts";

/** The accepted files, one test each (known before `before` runs). */
const ACCEPTED = readCorpus()
  .filter((c) => c.header.expect === "accepted")
  .map((c) => c.file);

function nameAndNamespace(key: string): [string, string] {
  const [ns, name] = key.split("/") as [string, string];
  return [ns, name];
}

describe("upstream corpus against a real API server", { timeout: 300_000 }, () => {
  let world: CorpusWorld;
  let cp: ControlPlane;
  let op: OperatorProcess;
  let proxy: TestProxy | undefined;
  const byFile = (file: string): CorpusCase => {
    const c = world.cases.find((x) => x.file === file);
    assert.ok(c, file);
    return c;
  };

  before(async () => {
    world = await startCorpusWorld();
    cp = await startControlPlane();
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      extraArgs: ["--provider-override", world.sim.url],
    });
    await cp.apply(GATEWAY_CLASS_YAML);
  });
  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await cp?.stop();
    await world?.close();
  });

  it("refuses every invalid file at apply, naming the field; nothing of it is stored", async () => {
    const invalid = world.cases.filter((c) => c.header.expect === "invalid");
    assert.ok(invalid.length > 0);
    // all at once: kubectl reports one error line per file, naming the file
    const files = invalid.map((c) => join(CORPUS_DIR, c.file));
    const r = await cp.kubectl(["apply", ...files.flatMap((f) => ["-f", f])]);
    assert.notEqual(r.code, 0, "kubectl apply must fail");
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("Error from server"));
    for (const [i, c] of invalid.entries()) {
      if (c.header.expect !== "invalid") continue;
      const mine = lines.filter((l) => l.includes(`"${files[i]}"`));
      assert.equal(mine.length, 1, `${c.file}: one error (${r.stderr})`);
      // `unknown field "spec.static"`, or `spec.policies.auth.gcp.type: Unsupported value`
      assert.ok(mine[0]?.includes(c.header.field), `${c.file}: "${mine[0]}" names ${c.header.field}`);
    }
    assert.equal(lines.length, invalid.length, r.stderr);
    const stored = await cp.kubectl(["get", "agentgatewaybackends,agentgatewaypolicies", "-A", "-o", "name"]);
    assert.equal(stored.code, 0, stored.stderr);
    assert.equal(stored.stdout.trim(), "", "none of them was stored");
  });

  it("applies the rest at once with kubectl", async () => {
    const r = await cp.kubectl(["apply", "-f", world.dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr.trim(), "", "no warning (no field was dropped)");
  });

  it("writes Accepted=True for accepted files and Accepted=False naming the field for rejected ones", async () => {
    await eventually(
      async () => {
        for (const c of world.cases) {
          if (c.header.expect !== "accepted" && c.header.expect !== "rejected") continue;
          const [ns, name] = nameAndNamespace(keyOf(theObject(c, ["AgentgatewayBackend"])));
          const accepted = cond(
            (await getObj(cp, "agentgatewaybackend", ns, name)).status?.conditions,
            "Accepted",
          );
          if (c.header.expect === "rejected") {
            assert.equal(accepted.status, "False", `${c.file}: ${accepted.message}`);
            assert.ok(
              accepted.message.includes(c.header.field),
              `${c.file}: "${accepted.message}" names the field`,
            );
            if (c.header.message)
              assert.ok(accepted.message.includes(c.header.message), `${c.file}: ${accepted.message}`);
            continue;
          }
          assert.equal(accepted.status, "True", `${c.file}: ${accepted.reason} ${accepted.message}`);
          for (const route of c.objects.filter((o) => o.kind === "HTTPRoute" || o.kind === "AIRoute")) {
            const [rns, rname] = nameAndNamespace(keyOf(route));
            const obj = await getObj(cp, route.kind.toLowerCase(), rns, rname);
            for (const type of ["Accepted", "ResolvedRefs"]) {
              const rc = routeCond(obj, type);
              assert.equal(rc.status, "True", `${c.file}: ${route.kind} ${type}: ${rc.message}`);
            }
          }
        }
      },
      { timeoutMs: 60_000 },
    );
  });

  it("serves the corpus Gateway from a real proxy process", async () => {
    const token = await proxyToken(cp, "default", "corpus");
    proxy = await startTestProxy({ snapshotUrl: op.snapshotUrl, gateway: "default/corpus", token });
    const wait = await cp.kubectl(["wait", "gateway/corpus", "--for=condition=Programmed", "--timeout=60s"]);
    assert.equal(wait.code, 0, wait.stderr);
  });

  for (const file of ACCEPTED) {
    it(`${file}: the request reaches the simulator as the file says`, async () => {
      assert.ok(proxy, "the proxy was started");
      const c = byFile(file);
      await exchange(c, `http://127.0.0.1:${proxy.httpPort}`, world.sim);
    });
  }

  it("never shows a provider key in operator or proxy logs, statuses or events", async () => {
    const places: Record<string, string> = { logs: op.output(), proxy: proxy?.output() ?? "" };
    // statuses only: an inline key is in its backend's spec by the user's choice
    for (const resource of ["agentgatewaybackends", "httproutes", "airoutes", "gateways"]) {
      const r = await cp.kubectl(["get", resource, "-A", "-o", "jsonpath={.items[*].status}"]);
      assert.equal(r.code, 0, r.stderr);
      places[`${resource} status`] = r.stdout;
    }
    places.events = (await cp.kubectl(["get", "events", "-A", "-o", "json"])).stdout;
    assert.match(places["agentgatewaybackends status"] ?? "", /"type":"Accepted"/, "statuses were read");
    const secrets = providerSecrets(world.cases);
    assert.ok(secrets.length > 20, `the corpus's credentials: ${secrets.length}`);
    for (const secret of secrets) {
      for (const [place, text] of Object.entries(places))
        assert.ok(!text.includes(secret), `a provider credential appears in ${place}`);
    }
  });
});
