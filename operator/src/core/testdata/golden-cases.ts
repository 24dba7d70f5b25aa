// Test support for the golden tests (no product code imports it): loads
// testdata/<case>.golden.yaml, validates each input manifest against the schema of its kind (so
// fixtures cannot drift from the CRDs), and runs the translator on it.
//
// File layout:
//   description: what the case shows
//   settings:    optional Settings (controllerName defaults to agentgateway.dev/ai-gateway)
//   dataPlane:   optional { "<ns>/<name>": { connectedProxies, ackedListeners, usage, unavailablePorts, ejected } }
//   expectInvalid: optional ["<Kind>/<ns>/<name>", ...]: inputs that must FAIL their schema
//   input:       the manifests, as a user writes them
//   output:      { snapshots, statuses } (rewritten by UPDATE_GOLDEN=1)
import { readdirSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { EjectedEntry, UsageEntry } from "../../../../gateway/src/snapshot/protocol.ts";
import { ListenerConfig } from "../../../../gateway/src/snapshot/schema.ts";
import { CONTROLLER_NAME } from "../../api/gateway-api.ts";
import { SCHEMAS_BY_KIND } from "../../api/kinds.ts";
import { resourceSetFromObjects } from "../resource-set.ts";
import { translate } from "../translate.ts";
import type { Settings, TranslateResult } from "../types.ts";

export const TESTDATA_DIR = new URL("./", import.meta.url);

const GoldenFile = z.object({
  description: z.string().min(1),
  settings: z
    .object({ controllerName: z.string().optional(), providerOverride: z.string().optional() })
    .optional(),
  dataPlane: z
    .record(
      z.string(),
      z.object({
        connectedProxies: z.number().int().min(0),
        ackedListeners: z.array(ListenerConfig).optional(),
        usage: z
          .object({ entries: z.array(UsageEntry), unavailable: z.record(z.string(), z.number().int()) })
          .optional(),
        unavailablePorts: z.array(z.object({ port: z.number().int(), reason: z.string() })).optional(),
        ejected: z.array(EjectedEntry.extend({ proxies: z.number().int().min(1) })).optional(),
      }),
    )
    .optional(),
  expectInvalid: z.array(z.string()).optional(),
  input: z.array(z.unknown()).min(1),
  output: z.unknown().optional(),
});
export type GoldenFile = z.infer<typeof GoldenFile>;

export interface GoldenCase {
  name: string;
  path: URL;
  text: string;
  file: GoldenFile;
  settings: Settings;
}

const SCHEMAS = SCHEMAS_BY_KIND;

const Manifest = z.looseObject({
  kind: z.string(),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
});

/** "<Kind>/<ns>/<name>" ("<Kind>/<name>" for cluster-scoped kinds). */
export function manifestId(m: unknown): string {
  const parsed = Manifest.safeParse(m);
  if (!parsed.success) return "(not a manifest)";
  const { kind, metadata } = parsed.data;
  const clusterScoped = kind === "GatewayClass" || kind === "Namespace";
  return clusterScoped
    ? `${kind}/${metadata.name}`
    : `${kind}/${metadata.namespace ?? "default"}/${metadata.name}`;
}

/** Problems with the inputs: unknown kinds, schema failures not listed in expectInvalid, and vice versa. */
export function inputProblems(file: GoldenFile): string[] {
  const expected = new Set(file.expectInvalid ?? []);
  const problems: string[] = [];
  for (const m of file.input) {
    const id = manifestId(m);
    const kind = Manifest.safeParse(m).data?.kind ?? "";
    const schema = SCHEMAS[kind];
    if (!schema) {
      problems.push(`${id}: unknown kind`);
      continue;
    }
    const ok = schema.safeParse(m).success;
    if (!ok && !expected.has(id)) problems.push(`${id}: does not match its schema`);
    if (ok && expected.has(id)) problems.push(`${id}: listed in expectInvalid but is valid`);
  }
  return problems;
}

export function loadGoldenCases(): GoldenCase[] {
  return readdirSync(TESTDATA_DIR)
    .filter((f) => f.endsWith(".golden.yaml"))
    .sort()
    .map((f) => {
      const path = new URL(f, TESTDATA_DIR);
      const text = readFileSync(path, "utf8");
      const file = GoldenFile.parse(parse(text));
      const settings: Settings = {
        controllerName: file.settings?.controllerName ?? CONTROLLER_NAME,
        ...(file.settings?.providerOverride !== undefined
          ? { providerOverride: file.settings.providerOverride }
          : {}),
      };
      return { name: f.replace(/\.golden\.yaml$/, ""), path, text, file, settings };
    });
}

/** Translate a case's inputs (in the given order). */
export function runCase(c: GoldenCase, input: readonly unknown[] = c.file.input): TranslateResult {
  return translate(resourceSetFromObjects(input, c.file.dataPlane ?? {}), c.settings);
}

/** The output as it is written to the file: plain JSON data (no undefined fields). */
export function plainOutput(result: TranslateResult): unknown {
  return JSON.parse(JSON.stringify({ snapshots: result.snapshots, statuses: result.statuses }));
}
