// Per-proxy identity on the snapshot stream, against the real API server (TokenReview, TokenRequest):
// two tenants, each with its own Gateway and provider Secret. A's ServiceAccount token gets A's
// snapshot and nothing else: the same token for B is 403, no Secret value of A's namespace (nor a
// token of another audience, nor the cluster admin's) opens B's snapshot, and acks forged by
// another identity change no status. No key or token reaches the operator's logs, status, Events.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { cond, GATEWAY_CLASS_YAML, gatewayYaml, getObj } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";
import { proxyToken } from "./proxy-token.ts";
import { postAck, type StreamClient, subscribe } from "./stream-client.ts";

const KEYS = { "team-a": "sk-team-a-DO-NOT-LEAK-aaaa1111", "team-b": "sk-team-b-DO-NOT-LEAK-bbbb2222" };
type Team = keyof typeof KEYS;

const tenant = (ns: Team) => `apiVersion: v1
kind: Secret
metadata:
  name: provider-key
  namespace: ${ns}
stringData:
  apiKey: ${KEYS[ns]}
---
${gatewayYaml(ns)}---
apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: openai
  namespace: ${ns}
spec:
  ai:
    provider:
      openai:
        model: gpt-4o-mini
  policies:
    auth:
      secretRef:
        name: provider-key
---
apiVersion: agentgateway.dev/v1alpha1
kind: AIRoute
metadata:
  name: route
  namespace: ${ns}
spec:
  parentRefs:
  - name: gw
  rules:
  - backendRefs:
    - name: openai
`;

function credentialOf(s: StreamClient | undefined): string | undefined {
  const auth = s?.latest()?.backends[0]?.groups[0]?.[0]?.auth;
  return auth?.mode === "inject" ? auth.credential : undefined;
}

describe("operator e2e: per-proxy identity on the snapshot stream", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;
  const tokens: Record<Team, string> = { "team-a": "", "team-b": "" };
  const open: StreamClient[] = [];

  const get = (gateway: string, token: string, proxyId = "probe") =>
    fetch(`${op.snapshotUrl}/v1/snapshots/${gateway}`, {
      headers: { authorization: `Bearer ${token}`, "x-proxy-id": proxyId },
      signal: AbortSignal.timeout(10_000),
    });
  const programmed = async (ns: Team) =>
    cond((await getObj(cp, "gateway", ns, "gw")).status?.conditions, "Programmed");

  before(async () => {
    cp = await startControlPlane();
    op = await startOperatorProcess({ kubeconfigPath: cp.kubeconfigPath });
    await cp.apply(GATEWAY_CLASS_YAML);
    for (const ns of ["team-a", "team-b"] as const) {
      assert.equal((await cp.kubectl(["create", "namespace", ns])).code, 0);
      await cp.apply(tenant(ns));
      tokens[ns] = await proxyToken(cp, ns, "gw");
    }
  });

  after(async () => {
    for (const s of open) s.close();
    await op?.stop();
    await cp?.stop();
  });

  it("A's ServiceAccount token gets A's snapshot, with A's key", async () => {
    const a = await subscribe({
      baseUrl: op.snapshotUrl,
      gateway: "team-a/gw",
      token: tokens["team-a"],
      proxyId: "a-1",
    });
    open.push(a);
    assert.equal(a.status, 200);
    await eventually(() => assert.equal(credentialOf(a), KEYS["team-a"]));
  });

  it("the same token for B's Gateway is 403 with a JSON body naming the identity; the refusal is logged without the token", async () => {
    const res = await get("team-b/gw", tokens["team-a"]);
    assert.equal(res.status, 403);
    const body = (await res.json()) as { error: { code: string; type: string; message: string } };
    assert.equal(body.error.code, "forbidden");
    assert.equal(body.error.type, "permission_error");
    assert.match(body.error.message, /system:serviceaccount:team-a:gw may not read Gateway team-b\/gw/);
    await eventually(() => assert.match(op.output(), /subscription refused: not this Gateway's proxy/));
  });

  it("no Secret value of A's namespace, no token of another audience, not the cluster admin opens B's snapshot", async () => {
    const secrets = JSON.parse(
      (await cp.kubectl(["get", "secrets", "-n", "team-a", "-o", "json"])).stdout,
    ) as {
      items: { data?: Record<string, string> }[];
    };
    const candidates = secrets.items.flatMap((s) =>
      Object.values(s.data ?? {}).map((v) => Buffer.from(v, "base64").toString("utf8")),
    );
    assert.ok(candidates.includes(KEYS["team-a"]), "A's provider key is among the candidates");
    const defaultAudience = (
      await cp.kubectl(["create", "token", "gw", "-n", "team-b", "--duration=1h"])
    ).stdout.trim();
    const otherSa = await proxyToken(cp, "team-a", "default");
    candidates.push(tokens["team-a"], defaultAudience, otherSa, cp.token);
    for (const token of candidates) {
      const res = await get("team-b/gw", token);
      const text = await res.text();
      assert.ok(res.status === 401 || res.status === 403, `status ${res.status}`);
      assert.equal(text.includes(KEYS["team-b"]), false);
    }
    const wrongAudience = await get("team-b/gw", defaultAudience);
    assert.equal(wrongAudience.status, 401, "B's own ServiceAccount, but not for the snapshot audience");
    await wrongAudience.body?.cancel();
  });

  it("an ack forged by another identity is refused and changes no status; the owner's ack does", async () => {
    // B's proxy subscribes (without acking) so that B is not Programmed; A's identity forges acks.
    const b = await subscribe({
      baseUrl: op.snapshotUrl,
      gateway: "team-b/gw",
      token: tokens["team-b"],
      proxyId: "b-1",
    });
    open.push(b);
    await eventually(() => assert.ok(b.latest()));
    const snap = b.latest();
    assert.ok(snap);
    for (const token of [tokens["team-a"], cp.token]) {
      const status = await postAck(
        { baseUrl: op.snapshotUrl, gateway: "team-b/gw", token, proxyId: "b-1", ack: true },
        snap,
      );
      assert.equal(
        status,
        token === cp.token ? 401 : 403,
        "another Gateway's identity: 403; no identity: 401",
      );
    }
    await sleep(3_000);
    assert.equal((await programmed("team-b")).status, "False", "a forged ack made B Programmed");
    const own = await postAck(
      { baseUrl: op.snapshotUrl, gateway: "team-b/gw", token: tokens["team-b"], proxyId: "b-1", ack: true },
      snap,
    );
    assert.equal(own, 204);
    await eventually(async () => assert.equal((await programmed("team-b")).status, "True"));
  });

  it("no provider key or token in the operator's logs, any status or Events", async () => {
    const places: Record<string, string> = { logs: op.output() };
    for (const resource of ["gateways", "airoutes", "agentgatewaybackends", "events"]) {
      const r = await cp.kubectl(["get", resource, "-A", "-o", "json"]);
      assert.equal(r.code, 0, r.stderr);
      places[resource] = r.stdout;
    }
    assert.ok(places.logs?.includes("proxy subscribed"), "the logs were captured");
    const secrets = [...Object.values(KEYS), ...Object.values(tokens), cp.token];
    for (const [place, text] of Object.entries(places)) {
      for (const s of secrets) assert.equal(text.includes(s), false, `a secret appears in ${place}`);
    }
  });

  it("snapshot versions only increase across an operator restart (leadership epoch)", async () => {
    const before = open[0]?.latest()?.version ?? 0;
    assert.ok(before > 1_000_000, `version ${before} carries the leadership epoch`);
    for (const s of open.splice(0)) s.close();
    await op.stop();
    op = await startOperatorProcess({ kubeconfigPath: cp.kubeconfigPath });
    const a = await subscribe({
      baseUrl: op.snapshotUrl,
      gateway: "team-a/gw",
      token: tokens["team-a"],
      proxyId: "a-2",
    });
    open.push(a);
    await eventually(() => assert.equal(credentialOf(a), KEYS["team-a"]));
    const after = a.latest()?.version ?? 0;
    assert.ok(after > before, `after a restart ${after} > ${before}`);
  });
});
