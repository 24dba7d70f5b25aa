// The upstream-style manifest corpus (testdata/upstream): one file per provider and policy, each
// with its expectation in a header of YAML comments (testdata/upstream/README.md). This module
// reads the files and their headers; the tests decide nothing on their own, so flipping a file's
// expectation is the only change a new feature needs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { z } from "zod";
import { REPO_ROOT } from "../operator/operator-process.ts";

export const CORPUS_DIR = join(REPO_ROOT, "testdata", "upstream");

/** What a request through the gateway looks like: the official SDK of `client` sends it. */
const Request = z.strictObject({
  model: z.string(),
  text: z.string().optional(),
  /** The client's own key (default: one that must never reach the provider). */
  apiKey: z.string().optional(),
  /** More top-level body fields. */
  params: z.record(z.string(), z.unknown()).optional(),
  /** The simulator answers the first provider call with this status (failover); `upstream` is the next call. */
  firstCallStatus: z.number().int().min(400).max(599).optional(),
});

/** What the simulator must have received. */
const Upstream = z.strictObject({
  path: z.string().startsWith("/"),
  query: z.record(z.string(), z.string()).optional(),
  /** Exact header values (names lower case). */
  headers: z.record(z.string(), z.string()).optional(),
  /** A subset of the JSON body: objects by key, arrays element by element (same length). */
  body: z.unknown().optional(),
  /** Credentials the simulator verifies: an AWS SigV4 signature, a Google OAuth access token, an
   * Entra ID access token (client credentials of the app in `entra`). */
  signature: z.enum(["sigv4", "gcp-oauth", "entra-oauth"]).optional(),
  entra: z.strictObject({ tenantId: z.string(), clientId: z.string(), clientSecret: z.string() }).optional(),
  aws: z
    .strictObject({ accessKeyId: z.string(), secretAccessKey: z.string(), region: z.string() })
    .optional(),
  gcpProject: z.string().optional(),
});

const Header = z.discriminatedUnion("expect", [
  z.strictObject({ expect: z.literal("setup") }),
  z.strictObject({
    expect: z.literal("accepted"),
    client: z.enum(["openai", "anthropic", "gemini"]),
    request: Request,
    upstream: Upstream,
  }),
  /** Applied, then Accepted=False with a message naming `field` (and containing `message`). */
  z.strictObject({ expect: z.literal("rejected"), field: z.string(), message: z.string().optional() }),
  /** Refused before it is stored: kubectl apply fails and the standalone loader reports `field`. */
  z.strictObject({ expect: z.literal("invalid"), field: z.string() }),
]);
export type Header = z.infer<typeof Header>;
export type AcceptedHeader = Extract<Header, { expect: "accepted" }>;

export interface ManifestObject {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: unknown;
}

export interface CorpusCase {
  /** File name, e.g. openai.yaml. */
  file: string;
  /** File name without .yaml: the x-corpus header value its route matches. */
  name: string;
  text: string;
  header: Header;
  objects: ManifestObject[];
}

/** A generated service-account key replaces this placeholder (its token_uri is the simulator's). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder in the YAML files
export const GCP_KEY_PLACEHOLDER = "${GCP_SERVICE_ACCOUNT_KEY}";

const STRUCTURED = /^# (expect|client|request|upstream|field|message):/;

/** The leading comment lines that hold the header (a key line or an indented continuation). */
function headerText(text: string, file: string): string {
  const lines: string[] = [];
  for (const line of text.split("\n")) {
    if (STRUCTURED.test(line) || (lines.length > 0 && /^# {2,}\S/.test(line))) lines.push(line.slice(2));
    else break;
  }
  if (lines.length === 0) throw new Error(`${file}: no "# expect: ..." header on the first line`);
  return lines.join("\n");
}

export function parseCase(file: string, text: string): CorpusCase {
  const parsed = Header.safeParse(parse(headerText(text, file)));
  if (!parsed.success) throw new Error(`${file}: bad header: ${parsed.error.message}`);
  const objects = parseAllDocuments(text)
    .map((d) => d.toJS() as ManifestObject | null)
    .filter((o): o is ManifestObject => o !== null);
  return { file, name: file.replace(/\.yaml$/, ""), text, header: parsed.data, objects };
}

export function readCorpus(dir = CORPUS_DIR): CorpusCase[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => parseCase(f, readFileSync(join(dir, f), "utf8")));
}

/** "<namespace>/<name>" of an object (files leave namespace out for "default"). */
export function keyOf(o: ManifestObject): string {
  return `${o.metadata.namespace ?? "default"}/${o.metadata.name}`;
}

/** The one object of `kind` in a case's file. */
export function theObject(c: CorpusCase, kinds: readonly string[]): ManifestObject {
  const found = c.objects.filter((o) => kinds.includes(o.kind));
  if (found.length !== 1)
    throw new Error(`${c.file}: expected one ${kinds.join("/")}, found ${found.length}`);
  return found[0] as ManifestObject;
}

/** Every provider credential written in the corpus (Secret entries, inline auth keys): none may be logged. */
export function providerSecrets(cases: readonly CorpusCase[]): string[] {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) {
        if (k === "auth" && typeof (x as { key?: unknown }).key === "string")
          found.add((x as { key: string }).key);
        walk(x);
      }
    }
  };
  for (const c of cases) {
    for (const o of c.objects) {
      if (o.kind === "Secret") {
        for (const v of Object.values((o as { stringData?: Record<string, string> }).stringData ?? {}))
          if (v !== GCP_KEY_PLACEHOLDER) found.add(v.replace(/^Bearer /, ""));
      } else walk(o.spec);
    }
  }
  return [...found];
}
