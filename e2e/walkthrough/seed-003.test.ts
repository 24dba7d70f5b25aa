// Seed 003 from the user's chair: every step is a kubectl command (the real kubectl against a real
// kube-apiserver) or an HTTP request without a key, against the operator and a proxy running as
// real processes, with the provider simulator behind --provider-override. Delays of the kill switch
// and key rotation are printed, never asserted. Status details and the snapshot stream are covered
// by e2e/operator/seed-003.test.ts; this file checks what the user sees.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SEED_003 } from "../fixtures/seed-003.ts";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { GATEWAY_CLASS_YAML } from "../operator/k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "../operator/operator-process.ts";
import { startTestProxy, type TestProxy } from "../operator/proxy-process.ts";
import { proxyToken } from "../operator/proxy-token.ts";
import { type Simulator, startSimulator } from "../simulator/index.ts";

const NS = "agentgateway-system";
const FIRST_KEY = "sk-walkthrough-first-key-0123456789";
const NEW_KEY = "sk-walkthrough-rotated-key-9876543210";
const POLL_LIMIT_MS = 30_000;

const CHAT = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "What is a gateway in one sentence?" }],
};

interface Answer {
  status: number;
  body: string;
}

describe("walkthrough: seed 003 with kubectl and curl", { timeout: 300_000 }, () => {
  let cp: ControlPlane | undefined;
  let sim: Simulator | undefined;
  let op: OperatorProcess | undefined;
  let proxy: TestProxy | undefined;
  let dir: string | undefined;
  const errorBodies: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "aigw-walkthrough-"));
    sim = await startSimulator({ port: 0 });
    cp = await startControlPlane();
    // The platform's part, done by the Helm chart or `npm run dev`: our GatewayClass.
    await cp.apply(GATEWAY_CLASS_YAML);
    op = await startOperatorProcess({
      kubeconfigPath: cp.kubeconfigPath,
      extraArgs: ["--provider-override", sim.url],
    });
  });

  after(async () => {
    await proxy?.stop();
    await op?.stop();
    await sim?.close();
    await cp?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  function world(): { cp: ControlPlane; sim: Simulator; op: OperatorProcess; dir: string } {
    assert.ok(cp && sim && op && dir, "the world started");
    return { cp, sim, op, dir };
  }

  /** `kubectl <args>`; fails the test with kubectl's stderr when it fails. */
  async function kubectl(args: string[], input?: string): Promise<string> {
    const r = await world().cp.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  }

  /** curl -s localhost:8080/v1/chat/completions -H 'Content-Type: application/json' -d ... (no key). */
  async function curlChat(): Promise<Answer> {
    assert.ok(proxy?.httpPort, "the proxy serves listener port 80");
    const res = await fetch(`http://127.0.0.1:${proxy.httpPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(CHAT),
    });
    const answer = { status: res.status, body: await res.text() };
    if (answer.status !== 200) errorBodies.push(answer.body);
    return answer;
  }

  /** Repeats the keyless request until `done` holds; returns it with the ms since `since`. */
  async function pollUntil(
    done: (a: Answer) => boolean,
    since: number,
  ): Promise<{ answer: Answer; ms: number }> {
    const deadline = Date.now() + POLL_LIMIT_MS;
    for (;;) {
      const answer = await curlChat();
      if (done(answer)) return { answer, ms: Date.now() - since };
      assert.ok(
        Date.now() < deadline,
        `no change within ${POLL_LIMIT_MS} ms; last answer ${answer.status} ${answer.body}`,
      );
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  it("step 1: stores the key in a Secret with kubectl create secret; kubectl get never shows it", async () => {
    await kubectl(["create", "namespace", NS]);
    await kubectl([
      "create",
      "secret",
      "generic",
      "openai-api-key",
      "--namespace",
      NS,
      `--from-literal=apiKey=${FIRST_KEY}`,
    ]);
    const shown = await kubectl(["get", "secret", "openai-api-key", "-n", NS]);
    assert.match(shown, /openai-api-key/);
    assert.equal(shown.includes(FIRST_KEY), false);
  });

  it("steps 2-3: applies the backend, Gateway and AIRoute; saves the route; the Gateway becomes Programmed", async () => {
    const w = world();
    await kubectl(["apply", "-f", "-"], SEED_003.backend);
    await kubectl(["apply", "-f", "-"], SEED_003.gatewayAndRoute);
    const saved = await kubectl(["get", "aiRoute", "openai-route", "-n", NS, "-o", "yaml"]);
    await writeFile(join(w.dir, "openai-route.yaml"), saved);
    // The Gateway's proxy, as `npm run dev` or the provisioner would run it: port 80 on a local port.
    proxy = await startTestProxy({
      snapshotUrl: w.op.snapshotUrl,
      gateway: `${NS}/llm-gateway`,
      token: await proxyToken(w.cp, NS, "llm-gateway"),
    });
    const r = await w.cp.kubectl([
      "wait",
      "gateway",
      "llm-gateway",
      "-n",
      NS,
      "--for=condition=Programmed",
      "--timeout=60s",
    ]);
    assert.equal(r.code, 0, `${r.stderr}\n${w.op.output().slice(-3000)}`);
  });

  it("step 4: a request without any key succeeds; the provider got the Secret's key", async () => {
    const w = world();
    const answer = await curlChat();
    assert.equal(answer.status, 200, answer.body);
    const reply = JSON.parse(answer.body) as { choices: { message: { content: string } }[] };
    assert.ok(
      (reply.choices[0]?.message.content ?? "").length > 0,
      "jq '.choices[0].message.content' has text",
    );
    const seen = w.sim.lastRequest();
    assert.equal(seen?.path, "/v1/chat/completions");
    assert.equal(seen?.headers.authorization, `Bearer ${FIRST_KEY}`);
  });

  it("kill switch: deleting the AIRoute refuses requests; re-applying the saved file restores them", async () => {
    const w = world();
    await kubectl(["delete", "airoute", "openai-route", "-n", NS]);
    const deleted = Date.now();
    const off = await pollUntil((a) => a.status === 404, deleted);
    assert.equal((JSON.parse(off.answer.body) as { error: { code: string } }).error.code, "route_not_found");
    console.log(`kill switch: kubectl delete → first 404 after ${off.ms} ms`);

    const before = w.sim.requests.length;
    assert.equal((await curlChat()).status, 404, "still refused");
    assert.equal(w.sim.requests.length, before, "a refused request never reaches the provider");

    await kubectl(["apply", "-f", join(w.dir, "openai-route.yaml")]);
    const on = await pollUntil((a) => a.status === 200, Date.now());
    console.log(`kill switch: kubectl apply of the saved route → first 200 after ${on.ms} ms`);
  });

  it("key rotation: the provider refuses the old key (provider_error); the updated Secret is used next, no restart", async () => {
    const w = world();
    const operatorPid = w.op.child.pid;
    w.sim.setRequiredKey(NEW_KEY);
    const refused = await curlChat();
    assert.equal(refused.status, 401, "the provider's status is surfaced");
    assert.deepEqual(JSON.parse(refused.body), {
      error: {
        message: "Authentication with the provider failed",
        type: "provider_error",
        code: "provider_error",
      },
    });
    assert.equal(w.sim.lastRequest()?.headers.authorization, `Bearer ${FIRST_KEY}`);

    const manifest = await kubectl([
      "create",
      "secret",
      "generic",
      "openai-api-key",
      "--namespace",
      NS,
      `--from-literal=apiKey=${NEW_KEY}`,
      "--dry-run=client",
      "-o",
      "yaml",
    ]);
    await kubectl(["apply", "-f", "-"], manifest);
    const updated = Date.now();
    const rotated = await pollUntil((a) => a.status === 200, updated);
    console.log(
      `key rotation: kubectl apply of the Secret → first 200 with the new key after ${rotated.ms} ms`,
    );
    assert.equal(w.sim.lastRequest()?.headers.authorization, `Bearer ${NEW_KEY}`);
    assert.equal(w.op.child.pid, operatorPid);
    assert.equal(w.op.child.exitCode, null, "the operator kept running");
    const gw = await kubectl([
      "get",
      "gateway",
      "llm-gateway",
      "-n",
      NS,
      "-o",
      "jsonpath={.status.conditions[?(@.type=='Programmed')].status}",
    ]);
    assert.equal(gw, "True");
  });

  it("no key in error bodies, proxy or operator logs, or the saved route", async () => {
    const w = world();
    assert.ok(errorBodies.length > 0, "error bodies were collected");
    const places = {
      "error bodies": errorBodies.join("\n"),
      "proxy logs": proxy?.output() ?? "",
      "operator logs": w.op.output(),
      "saved route": await readFile(join(w.dir, "openai-route.yaml"), "utf8"),
    };
    assert.ok(places["proxy logs"].length > 0, "the proxy's output was captured");
    for (const [where, text] of Object.entries(places)) {
      for (const key of [FIRST_KEY, NEW_KEY, Buffer.from(FIRST_KEY).toString("base64")]) {
        assert.equal(text.includes(key), false, `a key appears in the ${where}`);
      }
    }
  });
});
