// `ai-gateway convert -f <file|dir> [-f ...]`: reads kgateway / Gloo manifests, writes the
// ai-gateway equivalent as one YAML stream on stdout (notes as comments above each object) and
// every object it cannot convert on stderr, naming file, object and field; exit 1 then.
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { Document, parseAllDocuments } from "yaml";
import { ConfigError } from "../edges/errors.ts";
import { listManifestFiles } from "../sources/files/manifests.ts";
import { type ConvertResult, convertDocuments, type InputDocument } from "./convert.ts";

export const CONVERT_USAGE = `Usage: ai-gateway convert -f <file|dir> [-f <file|dir> ...]

Converts kgateway Backends (gateway.kgateway.dev/v1alpha1, type AI) and Gloo Upstreams
(gloo.solo.io/v1, spec.ai) to AgentgatewayBackends, points HTTPRoute backendRefs at them and sets
Gateways to the agentgateway GatewayClass. Other objects (Secrets, ...) pass through unchanged.
Writes YAML to stdout; what cannot be converted is listed on stderr (exit code 1).

Flags:
  -f, --filename <path>   a YAML file or a directory of them (recursive); repeatable
  -h, --help              show this help
`;

/** Reads the files' YAML documents; a YAML syntax error (e.g. a duplicate key) is a problem. */
export async function readInputs(
  paths: readonly string[],
): Promise<{ docs: InputDocument[]; problems: string[] }> {
  const docs: InputDocument[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    for (const file of await listManifestFiles(path)) {
      const text = await readFile(file, "utf8");
      parseAllDocuments(text).forEach((doc, i) => {
        const source = `${file}#${i + 1}`;
        if (doc.errors.length > 0) {
          for (const e of doc.errors)
            problems.push(`${file}:${e.linePos?.[0].line ?? "?"}: ${e.message.split("\n")[0] ?? e.message}`);
          return;
        }
        docs.push({ source, object: doc.toJS() });
      });
    }
  }
  return { docs, problems };
}

/** The YAML stream: each object with "# from <source>" and its notes as comments. */
export function renderYaml(result: ConvertResult): string {
  return result.objects
    .map((o) => {
      const doc = new Document(o.object);
      doc.commentBefore = [` from ${o.source}`, ...o.notes.map((n) => ` ai-gateway convert: ${n}`)].join(
        "\n",
      );
      return doc.toString({ lineWidth: 0 });
    })
    .join("---\n");
}

export async function runConvert(argv: string[]): Promise<void> {
  let values: { filename?: string[]; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        filename: { type: "string", short: "f", multiple: true },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    process.stdout.write(CONVERT_USAGE);
    return;
  }
  if (!values.filename || values.filename.length === 0) throw new ConfigError("convert needs -f <file|dir>");
  const { docs, problems } = await readInputs(values.filename);
  const result = convertDocuments(docs);
  process.stdout.write(renderYaml(result));
  const errors = [...problems, ...result.errors];
  for (const e of errors) process.stderr.write(`ai-gateway convert: ${e}\n`);
  if (errors.length > 0) process.exitCode = 1;
}
