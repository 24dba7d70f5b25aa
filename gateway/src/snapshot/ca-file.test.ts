import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { caFileReader } from "./ca-file.ts";

const A = "-----BEGIN CERTIFICATE-----\nQQ==\n-----END CERTIFICATE-----\n";
const B = "-----BEGIN CERTIFICATE-----\nQg==\n-----END CERTIFICATE-----\n";

test("the CA bundle is re-read on each call; a broken or missing file keeps the last good one", () => {
  const dir = mkdtempSync(join(tmpdir(), "ca-file-"));
  try {
    const file = join(dir, "ca.crt");
    writeFileSync(file, A);
    const read = caFileReader(file);
    assert.equal(read(), A);
    writeFileSync(file, `${B}${A}`);
    assert.equal(read(), `${B}${A}`);
    writeFileSync(file, "garbage");
    assert.equal(read(), `${B}${A}`);
    rmSync(file);
    assert.equal(read(), `${B}${A}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
