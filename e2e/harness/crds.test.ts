import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gatewayApiCrdsPath } from "../../scripts/lib/versions.ts";
import { crdFilesIn, readCrdFile } from "./crds.ts";
import { HarnessErrorCode } from "./errors.ts";

const dir = mkdtempSync(join(tmpdir(), "ai-gateway-crds-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.dev
spec: {}
`;

describe("readCrdFile", () => {
  it("reads every CRD of a multi-document file, skipping empty documents", () => {
    const path = join(dir, "two.yaml");
    writeFileSync(path, `---\n${CRD}---\n${CRD.replace("widgets", "gadgets")}---\n`);
    assert.deepEqual(
      readCrdFile(path).map((c) => c.metadata.name),
      ["widgets.example.dev", "gadgets.example.dev"],
    );
  });

  it("rejects a document that is not a CRD", () => {
    const path = join(dir, "mixed.yaml");
    writeFileSync(path, `${CRD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n`);
    assert.throws(() => readCrdFile(path), { code: HarnessErrorCode.CrdInvalid });
  });

  it("rejects invalid YAML", () => {
    const path = join(dir, "broken.yaml");
    writeFileSync(path, "kind: [unclosed\n");
    assert.throws(() => readCrdFile(path), { code: HarnessErrorCode.CrdInvalid });
  });

  it("reads the Gateway API standard install", () => {
    const names = readCrdFile(gatewayApiCrdsPath()).map((c) => c.metadata.name);
    assert.ok(names.includes("gateways.gateway.networking.k8s.io"));
    assert.ok(names.includes("gatewayclasses.gateway.networking.k8s.io"));
  });
});

describe("crdFilesIn", () => {
  it("lists *.yaml and *.yml sorted, none for a missing folder", () => {
    const folder = mkdtempSync(join(dir, "f-"));
    for (const n of ["b.yaml", "a.yml", "notes.md"]) writeFileSync(join(folder, n), "");
    assert.deepEqual(crdFilesIn(folder), [join(folder, "a.yml"), join(folder, "b.yaml")]);
    assert.deepEqual(crdFilesIn(join(dir, "missing")), []);
  });
});
