// Reads the manifests a cluster user writes (Secret, AgentgatewayBackend, Gateway, AIRoute,
// HTTPRoute, ...) from YAML files, for the standalone mode. Every problem is reported with the
// file, the line, the object and the field; the caller decides to keep its last good config.
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { fieldIssues, formatPath } from "../../api/issues.ts";
import { SCHEMAS_BY_KIND } from "../../api/kinds.ts";

/** Kinds the standalone mode understands, with the schema each document must satisfy. */
const SCHEMAS = SCHEMAS_BY_KIND;

export interface ManifestProblem {
  file: string;
  line: number;
  /** "Kind namespace/name" when known. */
  object?: string;
  /** Dotted field path, e.g. spec.ai.provider.openai.model. */
  field?: string;
  message: string;
}

export interface LoadResult {
  objects: unknown[];
  problems: ManifestProblem[];
  files: string[];
}

export function formatProblem(p: ManifestProblem): string {
  const where = `${p.file}:${p.line}`;
  const what = p.object ? ` ${p.object}` : "";
  const field = p.field ? ` field ${p.field}` : "";
  return `${where}${what}${field}: ${p.message}`;
}

/** YAML files under `path` (a file or a directory, recursively), sorted for determinism. */
export async function listManifestFiles(path: string): Promise<string[]> {
  const info = await stat(path);
  if (info.isFile()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Parses one file's text into validated objects. Namespaced kinds default to "default". */
export function parseManifests(
  text: string,
  file: string,
): { objects: unknown[]; problems: ManifestProblem[] } {
  const objects: unknown[] = [];
  const problems: ManifestProblem[] = [];
  const lineOf = (offset: number): number => text.slice(0, offset).split("\n").length;
  for (const doc of parseAllDocuments(text)) {
    const line = lineOf(doc.contents?.range?.[0] ?? doc.range?.[0] ?? 0);
    // The line of the deepest node that exists on a field path (for pointing at a bad field).
    const lineOfField = (path: PropertyKey[]): number => {
      for (let n = path.length; n > 0; n--) {
        const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
        if (node?.range) return lineOf(node.range[0]);
      }
      return line;
    };
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        problems.push({
          file,
          line: e.linePos?.[0].line ?? line,
          message: e.message.split("\n")[0] ?? e.message,
        });
      }
      continue;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const problem = validateDocument(value, file, line, lineOfField);
    if ("problem" in problem) problems.push(problem.problem);
    else objects.push(problem.object);
  }
  return { objects, problems };
}

function validateDocument(
  value: unknown,
  file: string,
  line: number,
  lineOfField: (path: PropertyKey[]) => number,
): { object: unknown } | { problem: ManifestProblem } {
  if (typeof value !== "object" || Array.isArray(value)) {
    return {
      problem: { file, line, message: "a manifest must be a YAML mapping with apiVersion, kind, metadata" },
    };
  }
  const doc = value as Record<string, unknown>;
  const kind = typeof doc.kind === "string" ? doc.kind : undefined;
  const meta = (typeof doc.metadata === "object" && doc.metadata !== null ? doc.metadata : {}) as Record<
    string,
    unknown
  >;
  const name = typeof meta.name === "string" ? meta.name : "<unnamed>";
  if (!kind) return { problem: { file, line, field: "kind", message: "missing kind" } };
  const schema = SCHEMAS[kind];
  const clusterScoped = kind === "GatewayClass" || kind === "Namespace";
  const namespace = clusterScoped
    ? undefined
    : typeof meta.namespace === "string"
      ? meta.namespace
      : "default";
  const object = `${kind} ${namespace ? `${namespace}/` : ""}${name}`;
  if (!schema) {
    return {
      problem: {
        file,
        line,
        object,
        field: "kind",
        message: `unsupported kind (supported: ${Object.keys(SCHEMAS).join(", ")})`,
      },
    };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    // An unknown field first: it is usually why the rest does not fit (e.g. upstream's spec.static
    // makes spec.ai missing), and it must be named, never dropped.
    const issues = parsed.error.issues;
    const first = issues.find((i) => i.code === "unrecognized_keys") ?? issues[0];
    const issue = first ? fieldIssues(first)[0] : undefined;
    return {
      problem: {
        file,
        line: issue ? lineOfField(issue.path) : line,
        object,
        field: issue && issue.path.length > 0 ? formatPath(issue.path) : undefined,
        message: issue?.message ?? "invalid",
      },
    };
  }
  // Keep the document as written (the translator validates again), with the namespace defaulted.
  const withNs = clusterScoped ? doc : { ...doc, metadata: { ...meta, namespace } };
  return { object: withNs };
}

/** Loads every manifest under `path`. Never throws for bad content: problems are returned. */
export async function loadManifests(path: string): Promise<LoadResult> {
  const files = await listManifestFiles(path);
  const objects: unknown[] = [];
  const problems: ManifestProblem[] = [];
  for (const f of files) {
    const shown = relative(process.cwd(), f) || f;
    const text = await readFile(f, "utf8");
    const r = parseManifests(text, shown);
    objects.push(...r.objects);
    problems.push(...r.problems);
  }
  problems.push(...duplicateProblems(objects, files));
  return { objects, problems, files };
}

function duplicateProblems(objects: unknown[], files: string[]): ManifestProblem[] {
  const seen = new Set<string>();
  const problems: ManifestProblem[] = [];
  for (const o of objects as { kind: string; metadata: { name: string; namespace?: string } }[]) {
    const key = `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;
    if (seen.has(key)) {
      problems.push({ file: files.join(", "), line: 1, object: key, message: "defined more than once" });
    }
    seen.add(key);
  }
  return problems;
}
