// Installing CustomResourceDefinitions straight through the API (server-side apply, so it is
// idempotent and has no annotation size limit) and waiting until each is Established.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import { HarnessError, HarnessErrorCode } from "./errors.ts";
import { type KubeConnection, kubeRequest } from "./kube-http.ts";
import { sleep } from "./process.ts";

const CrdDoc = z.looseObject({
  apiVersion: z.literal("apiextensions.k8s.io/v1"),
  kind: z.literal("CustomResourceDefinition"),
  metadata: z.looseObject({ name: z.string().min(1) }),
});
export type CrdDoc = z.infer<typeof CrdDoc>;

const CrdStatus = z.looseObject({
  status: z
    .looseObject({
      conditions: z
        .array(z.looseObject({ type: z.string(), status: z.string(), message: z.string().optional() }))
        .optional(),
    })
    .optional(),
});

const FIELD_MANAGER = "ai-gateway-harness";
const CRD_PATH = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";

/** Every CRD in a multi-document YAML file; anything else in it is an error. */
export function readCrdFile(path: string): CrdDoc[] {
  const out: CrdDoc[] = [];
  for (const [i, doc] of parseAllDocuments(readFileSync(path, "utf8")).entries()) {
    if (doc.errors.length > 0) {
      throw new HarnessError(
        HarnessErrorCode.CrdInvalid,
        `${path} document ${i + 1}: ${doc.errors[0]?.message}`,
      );
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const parsed = CrdDoc.safeParse(value);
    if (!parsed.success) {
      throw new HarnessError(
        HarnessErrorCode.CrdInvalid,
        `${path} document ${i + 1} is not an apiextensions.k8s.io/v1 CustomResourceDefinition: ${parsed.error.issues[0]?.message}`,
      );
    }
    out.push(parsed.data);
  }
  return out;
}

/** The *.yaml / *.yml files of a folder, sorted; none when the folder is missing. */
export function crdFilesIn(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".yaml") || n.endsWith(".yml"))
    .sort()
    .map((n) => join(dir, n));
}

async function applyOne(conn: KubeConnection, crd: CrdDoc): Promise<void> {
  const name = crd.metadata.name;
  const res = await kubeRequest(conn, {
    method: "PATCH",
    path: `${CRD_PATH}/${encodeURIComponent(name)}?fieldManager=${FIELD_MANAGER}&force=true`,
    body: JSON.stringify(crd),
    contentType: "application/apply-patch+yaml",
    timeoutMs: 30_000,
  });
  if (res.status !== 200 && res.status !== 201) {
    throw new HarnessError(
      HarnessErrorCode.CrdInstallFailed,
      `CRD ${name}: HTTP ${res.status}: ${res.body.slice(0, 2000)}`,
    );
  }
}

async function establishedState(conn: KubeConnection, name: string): Promise<string> {
  const res = await kubeRequest(conn, { method: "GET", path: `${CRD_PATH}/${encodeURIComponent(name)}` });
  if (res.status !== 200) return `HTTP ${res.status}`;
  const parsed = CrdStatus.safeParse(JSON.parse(res.body));
  const conditions = parsed.success ? (parsed.data.status?.conditions ?? []) : [];
  const established = conditions.find((c) => c.type === "Established");
  if (established?.status === "True") return "Established";
  const problem = conditions.find((c) => c.type === "NamesAccepted" && c.status === "False");
  return problem?.message ?? `Established=${established?.status ?? "missing"}`;
}

async function waitEstablished(conn: KubeConnection, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = names;
  let lastStates: string[] = [];
  while (pending.length > 0) {
    const states = await Promise.all(pending.map((n) => establishedState(conn, n)));
    lastStates = pending.map((n, i) => `${n}: ${states[i]}`);
    pending = pending.filter((_, i) => states[i] !== "Established");
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      throw new HarnessError(
        HarnessErrorCode.CrdNotEstablished,
        `not Established after ${timeoutMs} ms: ${lastStates.join("; ")}`,
      );
    }
    await sleep(50);
  }
}

/** Applies the CRDs (all at once) and waits until every one is Established. */
export async function installCrds(conn: KubeConnection, crds: CrdDoc[], timeoutMs = 60_000): Promise<void> {
  if (crds.length === 0) return;
  await Promise.all(crds.map((crd) => applyOne(conn, crd)));
  await waitEstablished(
    conn,
    crds.map((c) => c.metadata.name),
    timeoutMs,
  );
}
