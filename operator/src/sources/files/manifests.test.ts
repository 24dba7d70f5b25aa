import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { formatProblem, loadManifests, parseManifests } from "./manifests.ts";

const backend = `apiVersion: agentgateway.dev/v1alpha1
kind: AgentgatewayBackend
metadata:
  name: openai
spec:
  ai:
    provider:
      openai:
        model: gpt-4o-mini
  policies:
    auth:
      secretRef:
        name: openai-api-key
`;

test("valid documents are returned with the namespace defaulted", () => {
  const r = parseManifests(
    `${backend}---\napiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {apiKey: x}\n`,
    "a.yaml",
  );
  assert.deepEqual(r.problems, []);
  assert.equal(r.objects.length, 2);
  assert.equal((r.objects[0] as { metadata: { namespace: string } }).metadata.namespace, "default");
});

test("a schema violation names file, line, object and field", () => {
  const bad = backend.replace("model: gpt-4o-mini", "model: 42");
  const r = parseManifests(`apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\n${bad}`, "dir/b.yaml");
  assert.equal(r.problems.length, 1);
  const text = formatProblem(r.problems[0]!);
  assert.match(
    text,
    /^dir\/b\.yaml:13 AgentgatewayBackend default\/openai field spec\.ai\.provider\.openai\.model: /,
  );
});

test("an unknown field is a problem naming file, line, object and the field's full path", () => {
  const bad = backend.replace(
    "        name: openai-api-key\n",
    "        name: openai-api-key\n        keyName: apiKey\n",
  );
  const r = parseManifests(bad, "e.yaml");
  assert.equal(r.objects.length, 0, "never loaded with the field dropped");
  assert.equal(r.problems.length, 1);
  assert.equal(
    formatProblem(r.problems[0]!),
    "e.yaml:14 AgentgatewayBackend default/openai field spec.policies.auth.secretRef.keyName: unknown field: not supported",
  );
});

test("an unknown field is named before the required field it stands in for", () => {
  // upstream's static backend: spec.ai is missing because spec.static replaces it
  const r = parseManifests(
    "apiVersion: agentgateway.dev/v1alpha1\nkind: AgentgatewayBackend\nmetadata: {name: s}\nspec:\n  static: {host: example.com, port: 443}\n",
    "s.yaml",
  );
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0]?.field, "spec.static");
  assert.equal(r.problems[0]?.message, "not supported by ai-gateway");
  assert.equal(r.problems[0]?.line, 5);
});

test("broken YAML and unknown kinds are problems, not exceptions", () => {
  const r = parseManifests("kind: Gateway\nspec: [\n", "c.yaml");
  assert.equal(r.objects.length, 0);
  assert.ok(r.problems.length >= 1);
  const u = parseManifests("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n", "d.yaml");
  assert.match(formatProblem(u.problems[0]!), /Deployment default\/d field kind: unsupported kind/);
});

const dir = await mkdtemp(join(tmpdir(), "aigw-manifests-"));
after(() => rm(dir, { recursive: true, force: true }));

test("a directory is read recursively and duplicates are reported", async () => {
  await mkdir(join(dir, "sub"));
  await writeFile(join(dir, "one.yaml"), backend);
  await writeFile(join(dir, "sub", "two.yml"), backend);
  await writeFile(join(dir, "notes.txt"), "ignored");
  const r = await loadManifests(dir);
  assert.equal(r.files.length, 2);
  assert.equal(r.objects.length, 2);
  assert.equal(r.problems.length, 1);
  assert.match(r.problems[0]!.message, /defined more than once/);
});
