// Golden cases for `ai-gateway convert` (testdata/*.golden.yaml: input objects, then the expected
// objects with their notes and the expected errors, written by hand), plus the command's edges.
import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import { readInputs, renderYaml } from "./command.ts";
import { convertDocuments } from "./convert.ts";

const DIR = join(import.meta.dirname, "testdata");

interface Golden {
  description: string;
  input: unknown[];
  output: { notes: string[]; object: unknown }[];
  errors: string[];
}

for (const file of (await readdir(DIR)).filter((f) => f.endsWith(".golden.yaml")).sort()) {
  test(`convert golden ${file}`, async () => {
    const golden = parse(await readFile(join(DIR, file), "utf8")) as Golden;
    const result = convertDocuments(golden.input.map((object, i) => ({ source: `case#${i + 1}`, object })));
    assert.deepEqual(
      result.objects.map((o) => ({ notes: o.notes, object: o.object })),
      golden.output,
    );
    assert.deepEqual(result.errors, golden.errors);
  });
}

test("the YAML stream round-trips, with the source and notes as comments", async () => {
  const dir = await mkdtemp(join(tmpdir(), "convert-"));
  await writeFile(
    join(dir, "a.yaml"),
    [
      "apiVersion: gateway.kgateway.dev/v1alpha1",
      "kind: Backend",
      "metadata: {name: b, namespace: n}",
      "spec: {type: AI, ai: {llm: {provider: {openai: {model: m, authToken: {kind: Inline, inline: k}}}}}}",
      "---",
      "apiVersion: v1",
      "kind: Secret",
      "metadata: {name: s, namespace: n}",
      "stringData: {Authorization: x}",
      "",
    ].join("\n"),
  );
  const { docs, problems } = await readInputs([dir]);
  assert.deepEqual(problems, []);
  const text = renderYaml(convertDocuments(docs));
  assert.match(
    text,
    /^# from .*a\.yaml#1\n# ai-gateway convert: spec\.ai\.llm\.provider\.openai\.authToken: the inline key/m,
  );
  const back = parseAllDocuments(text).map((d) => d.toJS());
  assert.equal(back.length, 2);
  assert.equal(back[0].kind, "AgentgatewayBackend");
  assert.deepEqual(back[0].spec.policies, { auth: { key: "k" } });
  assert.equal(back[1].kind, "Secret");
});

test("a duplicate key is a problem naming the file and line, as kubectl refuses it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "convert-"));
  await writeFile(join(dir, "dup.yaml"), "kind: Backend\nspec:\n  model: a\n  model: b\n");
  const { docs, problems } = await readInputs([join(dir, "dup.yaml")]);
  assert.equal(docs.length, 0);
  assert.equal(problems.length, 1);
  assert.match(problems[0] ?? "", /dup\.yaml:4: .*unique/i);
});

test("a document that is not a Kubernetes object is refused, not passed through", () => {
  const r = convertDocuments([{ source: "x#1", object: { description: "a golden file", input: [] } }]);
  assert.deepEqual(r.objects, []);
  assert.deepEqual(r.errors, ["x#1 document: not a Kubernetes object (apiVersion and kind are required)"]);
});
