// Failure → fix without restarting the operator: each broken reference or listener gets its
// specific condition, and fixing the cluster brings it back to True.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { cond, GATEWAY_CLASS_YAML, getObj, listenerCond, routeCond } from "./k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "./operator-process.ts";

const NS = "fail-fix";
const SECRET_VALUE = "sk-failures-test-value-DO-NOT-LEAK";

const backend = (name: string, secret: string) => `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  ai:
    provider:
      openai: {}
  policies:
    auth:
      secretRef:
        name: ${secret}
`;

const route = (name: string, backendName: string) => `apiVersion: agentgateway.dev/v1alpha1
kind: AIRoute
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  parentRefs:
  - name: gw
  rules:
  - backendRefs:
    - name: ${backendName}
`;

const gateway = (listeners: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: ${NS}
spec:
  gatewayClassName: agentgateway
  listeners:
${listeners}`;

const HTTP_LISTENER = `  - name: http
    port: 80
    protocol: HTTP
`;

describe("operator e2e: failure then fix, without restart", { timeout: 300_000 }, () => {
  let cp: ControlPlane;
  let op: OperatorProcess;

  before(async () => {
    cp = await startControlPlane();
    op = await startOperatorProcess({ kubeconfigPath: cp.kubeconfigPath });
    await cp.apply(GATEWAY_CLASS_YAML);
    const r = await cp.kubectl(["create", "namespace", NS]);
    assert.equal(r.code, 0, r.stderr);
    await cp.apply(gateway(HTTP_LISTENER));
  });

  after(async () => {
    await op?.stop();
    await cp?.stop();
  });

  const backendCond = async (name: string, type: string) =>
    cond((await getObj(cp, "agentgatewaybackend", NS, name)).status?.conditions, type);
  const rCond = async (name: string, type: string) => routeCond(await getObj(cp, "airoute", NS, name), type);
  const backendEvents = async (name: string): Promise<{ type: string; reason: string }[]> => {
    const r = await cp.kubectl([
      "get",
      "events",
      "-n",
      NS,
      "--field-selector",
      `involvedObject.kind=AgentgatewayBackend,involvedObject.name=${name}`,
      "-o",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { items: { type: string; reason: string }[] }).items;
  };

  it("missing Secret: SecretNotFound / BackendNotReady, then True once it exists", async () => {
    await cp.apply(backend("b1", "key1"));
    await cp.apply(route("r1", "b1"));
    await eventually(async () => {
      const b = await backendCond("b1", "ResolvedRefs");
      assert.deepEqual([b.status, b.reason], ["False", "SecretNotFound"]);
      const r = await rCond("r1", "ResolvedRefs");
      assert.deepEqual([r.status, r.reason], ["False", "BackendNotReady"]);
    });
    const c = await cp.kubectl([
      "create",
      "secret",
      "generic",
      "key1",
      "-n",
      NS,
      `--from-literal=apiKey=${SECRET_VALUE}`,
    ]);
    assert.equal(c.code, 0, c.stderr);
    await eventually(async () => {
      assert.equal((await backendCond("b1", "ResolvedRefs")).status, "True");
      assert.equal((await rCond("r1", "ResolvedRefs")).status, "True");
    });
    // The story is told as Events too: the failure as a Warning, the recovery as Normal.
    await eventually(async () => {
      const ev = await backendEvents("b1");
      assert.ok(
        ev.some((e) => e.type === "Warning" && e.reason === "SecretNotFound"),
        JSON.stringify(ev),
      );
      assert.ok(
        ev.some((e) => e.type === "Normal" && e.reason === "ResolvedRefs"),
        JSON.stringify(ev),
      );
    });
  });

  it("wrong Secret key: SecretKeyNotFound naming the keys, then True once fixed", async () => {
    const c = await cp.kubectl([
      "create",
      "secret",
      "generic",
      "key2",
      "-n",
      NS,
      "--from-literal=first=x1",
      "--from-literal=second=x2",
    ]);
    assert.equal(c.code, 0, c.stderr);
    await cp.apply(backend("b2", "key2"));
    await eventually(async () => {
      const b = await backendCond("b2", "ResolvedRefs");
      assert.deepEqual([b.status, b.reason], ["False", "SecretKeyNotFound"]);
      assert.match(b.message, /first/);
      assert.match(b.message, /second/);
      assert.equal(b.message.includes("x1") || b.message.includes("x2"), false);
    });
    const p = await cp.kubectl([
      "patch",
      "secret",
      "key2",
      "-n",
      NS,
      "--type=merge",
      "-p",
      '{"stringData":{"apiKey":"v"}}',
    ]);
    assert.equal(p.code, 0, p.stderr);
    await eventually(async () => assert.equal((await backendCond("b2", "ResolvedRefs")).status, "True"));
  });

  it("missing backend: BackendNotFound, then True once created", async () => {
    await cp.apply(route("r3", "b3"));
    await eventually(async () => {
      const r = await rCond("r3", "ResolvedRefs");
      assert.deepEqual([r.status, r.reason], ["False", "BackendNotFound"]);
    });
    await cp.apply(backend("b3", "key1"));
    await eventually(async () => assert.equal((await rCond("r3", "ResolvedRefs")).status, "True"));
  });

  it("unsupported listener protocol, then fixed", async () => {
    await cp.apply(gateway(`${HTTP_LISTENER}  - name: dns\n    port: 53\n    protocol: UDP\n`));
    await eventually(async () => {
      const c = listenerCond(await getObj(cp, "gateway", NS, "gw"), "dns", "Accepted");
      assert.deepEqual([c.status, c.reason], ["False", "UnsupportedProtocol"]);
    });
    await cp.apply(gateway(`${HTTP_LISTENER}  - name: dns\n    port: 8053\n    protocol: HTTP\n`));
    await eventually(async () => {
      const c = listenerCond(await getObj(cp, "gateway", NS, "gw"), "dns", "Accepted");
      assert.equal(c.status, "True");
    });
  });

  it("conflicting listeners (one port, two protocols), then fixed", async () => {
    // The CRD's CEL rules already refuse two listeners with the same port, protocol and hostname.
    await cp.apply(gateway(`${HTTP_LISTENER}  - name: raw\n    port: 80\n    protocol: TCP\n`));
    // TCP is not supported, so (Gateway API v1.4, GatewaySpec.Listeners) the HTTP listener on its
    // port stays accepted; the TCP listener is refused and reports the conflict.
    await eventually(async () => {
      const gw = await getObj(cp, "gateway", NS, "gw");
      const c = listenerCond(gw, "raw", "Conflicted");
      assert.deepEqual([c.status, c.reason], ["True", "ProtocolConflict"]);
      assert.match(c.message, /http/);
      assert.equal(listenerCond(gw, "raw", "Accepted").reason, "UnsupportedProtocol");
      assert.equal(listenerCond(gw, "http", "Conflicted").status, "False");
    });
    await cp.apply(gateway(`${HTTP_LISTENER}  - name: raw\n    port: 9000\n    protocol: TCP\n`));
    await eventually(async () => {
      const c = listenerCond(await getObj(cp, "gateway", NS, "gw"), "raw", "Conflicted");
      assert.equal(c.status, "False");
    });
  });

  it("no Event carries a secret value", async () => {
    const all = await cp.kubectl(["get", "events", "-n", NS, "-o", "json"]);
    assert.equal(all.code, 0, all.stderr);
    assert.ok(all.stdout.includes("SecretKeyNotFound"), "events were recorded");
    assert.equal(all.stdout.includes(SECRET_VALUE), false);
  });

  it("the operator kept running throughout and never logged a secret value", () => {
    assert.equal(op.child.exitCode, null);
    assert.equal(op.output().includes(SECRET_VALUE), false);
  });
});
