// The chart on a cluster where upstream agentgateway's AgentgatewayBackend CRD is already installed
// (a minimal CRD of the same name, labelled as upstream labels it, not as ours): real helm, real
// API server. Helm skips our crds/ for it; the chart's NOTES say so, name the CRD and tell what to
// do; the operator still reports an upstream field it does not support (Accepted=False naming it);
// following the NOTES' command makes the CRD ours and the warning goes away.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type ControlPlane, startControlPlane } from "../harness/control-plane.ts";
import { eventually } from "../harness/eventually.ts";
import { cond, getObj } from "../operator/k8s.ts";
import { type OperatorProcess, startOperatorProcess } from "../operator/operator-process.ts";
import { CORPUS_DIR } from "../upstream/corpus.ts";
import { CHART_DIR, createHelm, type Helm, NAMESPACE, parseManifests, RELEASE } from "./helm.ts";

const BACKENDS_CRD = "agentgatewaybackends.agentgateway.dev";

/** Upstream's CRD as far as this test needs: its name, its labels, any spec, a status subresource. */
const UPSTREAM_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${BACKENDS_CRD}
  annotations:
    controller-gen.kubebuilder.io/version: v0.20.0
  labels:
    app: agentgateway
    app.kubernetes.io/name: agentgateway
spec:
  group: agentgateway.dev
  names:
    kind: AgentgatewayBackend
    listKind: AgentgatewayBackendList
    plural: agentgatewaybackends
    singular: agentgatewaybackend
  scope: Namespaced
  versions:
  - name: v1alpha1
    served: true
    storage: true
    subresources:
      status: {}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            x-kubernetes-preserve-unknown-fields: true
          status:
            type: object
            x-kubernetes-preserve-unknown-fields: true
`;

describe("chart on a cluster with upstream agentgateway's CRDs", () => {
  let helm: Helm;
  let cp: ControlPlane;
  let op: OperatorProcess | undefined;

  const kubectl = async (args: string[], input?: string) => {
    const r = await cp.kubectl(args, input === undefined ? {} : { input });
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  const labelsOf = async (crd: string): Promise<Record<string, string>> =>
    JSON.parse(await kubectl(["get", "crd", crd, "-o", "jsonpath={.metadata.labels}"])) as Record<
      string,
      string
    >;

  before(async () => {
    helm = createHelm();
    cp = await startControlPlane({ installOurCrds: false });
    await kubectl(["apply", "-f", "-"], UPSTREAM_CRD);
    await kubectl(["wait", "--for=condition=Established", `crd/${BACKENDS_CRD}`]);
  });
  after(async () => {
    await op?.stop();
    await cp?.stop();
    helm?.cleanup();
  });

  test("the CRD list the chart checks is the chart's crds/", () => {
    const files = readdirSync(join(CHART_DIR, "crds")).sort();
    // _helpers.tpl ai-gateway.crdNames, in file-name form
    const names = [
      "agentgatewaybackends.agentgateway.dev",
      "agentgatewaypolicies.agentgateway.dev",
      "agentgatewayparameters.agentgateway.dev",
      "airoutes.agentgateway.dev",
    ];
    assert.deepEqual(files, names.map((n) => `agentgateway.dev_${n.split(".")[0]}.yaml`).sort());
  });

  test("helm install keeps upstream's CRD and the NOTES name it and say what to do", async () => {
    const r = await helm.run(
      ["install", RELEASE, CHART_DIR, "--namespace", NAMESPACE, "--create-namespace", "--wait=false"],
      { kubeconfigPath: cp.kubeconfigPath },
    );
    assert.equal(r.code, 0, `helm install:\n${r.stderr}`);
    assert.match(r.stdout, /STATUS: deployed/);
    const warning = r.stdout.split("WARNING:")[1]?.split(/\nai-gateway \S+ is installed/)[0] ?? "";
    assert.match(warning, /not ai-gateway's/);
    assert.match(warning, new RegExp(`- ${BACKENDS_CRD.replaceAll(".", "\\.")}\\n`));
    for (const ours of ["airoutes", "agentgatewaypolicies", "agentgatewayparameters"])
      assert.doesNotMatch(warning, new RegExp(ours), `${ours} was installed from the chart: not listed`);
    assert.match(warning, /helm show crds <chart> \| kubectl apply --server-side --force-conflicts -f -/);
    // Helm did not touch it; the CRDs that were missing are ours
    assert.equal((await labelsOf(BACKENDS_CRD))["app.kubernetes.io/part-of"], undefined);
    assert.equal((await labelsOf("airoutes.agentgateway.dev"))["app.kubernetes.io/part-of"], "ai-gateway");
  });

  test("on upstream's schema, an unsupported upstream field is stored and the operator names it", async () => {
    op = await startOperatorProcess({ kubeconfigPath: cp.kubeconfigPath });
    // accepted by upstream's schema: nothing at apply time says policies.transformation is not ours
    await kubectl(["apply", "-f", join(CORPUS_DIR, "transformation.yaml")]);
    await eventually(
      async () => {
        const c = cond(
          (await getObj(cp, "agentgatewaybackend", "default", "transformation")).status?.conditions,
          "Accepted",
        );
        assert.equal(c.status, "False", JSON.stringify(c));
        assert.match(c.message, /spec\.policies\.transformation: not supported by ai-gateway/);
      },
      { timeoutMs: 60_000 },
    );
  });

  test("the NOTES' command makes the CRD ours; helm upgrade then has no warning", async () => {
    const crds = await helm.run(["show", "crds", CHART_DIR]);
    assert.equal(crds.code, 0, crds.stderr);
    assert.equal(parseManifests(crds.stdout).length, 4, "helm show crds is a stream of the four CRDs");
    await kubectl(["apply", "--server-side", "--force-conflicts", "-f", "-"], crds.stdout);
    assert.equal((await labelsOf(BACKENDS_CRD))["app.kubernetes.io/part-of"], "ai-gateway");
    const r = await helm.run(["upgrade", RELEASE, CHART_DIR, "--namespace", NAMESPACE, "--wait=false"], {
      kubeconfigPath: cp.kubeconfigPath,
    });
    assert.equal(r.code, 0, `helm upgrade:\n${r.stderr}`);
    assert.match(r.stdout, /STATUS: deployed/);
    assert.doesNotMatch(r.stdout, /WARNING/);
  });
});
