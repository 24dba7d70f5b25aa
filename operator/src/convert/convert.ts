// `ai-gateway convert`, the pure part: kgateway and Gloo manifests in, ai-gateway manifests out.
//   - kgateway Backend (type AI) and Gloo Upstream (spec.ai) -> AgentgatewayBackend, checked
//     against our schema;
//   - HTTPRoute backendRefs to those kinds -> AgentgatewayBackend refs (same name and namespace);
//   - a Gateway's gatewayClassName -> ours (the note says which it was);
//   - kgateway/Gloo kinds with no equivalent (TrafficPolicy, other Backend types, ...) are errors
//     naming the object and field, never dropped in silence;
//   - everything else (Secrets, ReferenceGrants, ...) is passed through unchanged.
// Each object comes out with its notes; an object with errors does not come out at all.
import { AgentgatewayBackend } from "../api/agentgateway-backend.ts";
import { ConversionLog, isRecord } from "./conversion.ts";
import { convertGlooUpstream } from "./gloo.ts";
import { convertKgatewayBackend } from "./kgateway.ts";

export const OUR_GATEWAY_CLASS = "agentgateway";
const KGATEWAY_GROUP = "gateway.kgateway.dev";
const GLOO_GROUP = "gloo.solo.io";
const GATEWAY_API_GROUP = "gateway.networking.k8s.io";

export interface InputDocument {
  /** File (and document index) it came from, for messages. */
  source: string;
  object: unknown;
}

export interface OutputObject {
  source: string;
  object: Record<string, unknown>;
  notes: string[];
}

export interface ConvertResult {
  objects: OutputObject[];
  /** "<source> <Kind>/<name>: <field>: <why>" */
  errors: string[];
}

function groupOf(apiVersion: unknown): string {
  if (typeof apiVersion !== "string") return "";
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

function label(obj: Record<string, unknown>): string {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const name = typeof meta.name === "string" ? meta.name : "<no name>";
  const ns = typeof meta.namespace === "string" ? `${meta.namespace}/` : "";
  return `${String(obj.kind)} ${ns}${name}`;
}

/** HTTPRoute backendRefs to kgateway Backends / Gloo Upstreams -> AgentgatewayBackends. */
function convertRoute(route: Record<string, unknown>, log: ConversionLog): Record<string, unknown> {
  const out = structuredClone(route);
  const spec = out.spec;
  if (!isRecord(spec) || !Array.isArray(spec.rules)) return out;
  spec.rules.forEach((rule, i) => {
    if (!isRecord(rule) || !Array.isArray(rule.backendRefs)) return;
    rule.backendRefs.forEach((ref, j) => {
      if (!isRecord(ref)) return;
      const from =
        ref.group === KGATEWAY_GROUP && ref.kind === "Backend"
          ? "kgateway Backend"
          : ref.group === GLOO_GROUP && ref.kind === "Upstream"
            ? "Gloo Upstream"
            : undefined;
      if (!from) return;
      ref.group = "agentgateway.dev";
      ref.kind = "AgentgatewayBackend";
      log.note(
        `spec.rules[${i}].backendRefs[${j}]: the ${from} '${String(ref.name)}' is now an AgentgatewayBackend`,
      );
    });
  });
  return out;
}

function convertOne(doc: InputDocument, log: ConversionLog): Record<string, unknown> | undefined {
  const obj = doc.object;
  if (!isRecord(obj) || typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
    log.error("not a Kubernetes object (apiVersion and kind are required)");
    return undefined;
  }
  const group = groupOf(obj.apiVersion);
  if (group === KGATEWAY_GROUP) {
    if (obj.kind === "Backend") return convertKgatewayBackend(obj, log);
    log.error(`kind: kgateway ${String(obj.kind)} has no ai-gateway equivalent in convert (not supported)`);
    return undefined;
  }
  if (group === GLOO_GROUP) {
    if (obj.kind === "Upstream") return convertGlooUpstream(obj, log);
    log.error(`kind: Gloo ${String(obj.kind)} has no ai-gateway equivalent in convert (not supported)`);
    return undefined;
  }
  if (group === GATEWAY_API_GROUP && obj.kind === "HTTPRoute") return convertRoute(obj, log);
  if (group === GATEWAY_API_GROUP && obj.kind === "Gateway") {
    const out = structuredClone(obj);
    const spec = isRecord(out.spec) ? out.spec : undefined;
    if (spec && spec.gatewayClassName !== OUR_GATEWAY_CLASS) {
      log.note(`spec.gatewayClassName: was '${String(spec.gatewayClassName)}'`);
      spec.gatewayClassName = OUR_GATEWAY_CLASS;
    }
    return out;
  }
  return obj;
}

export function convertDocuments(docs: readonly InputDocument[]): ConvertResult {
  const result: ConvertResult = { objects: [], errors: [] };
  for (const doc of docs) {
    if (doc.object === null || doc.object === undefined) continue; // an empty YAML document
    const log = new ConversionLog();
    const object = convertOne(doc, log);
    const what = isRecord(doc.object) && typeof doc.object.kind === "string" ? label(doc.object) : "document";
    if (object && object.kind === "AgentgatewayBackend") {
      const check = AgentgatewayBackend.safeParse(object);
      if (!check.success)
        for (const issue of check.error.issues)
          log.error(`${issue.path.join(".")}: the converted object is invalid: ${issue.message}`);
    }
    if (log.errors.length > 0 || !object) {
      for (const e of log.errors) result.errors.push(`${doc.source} ${what}: ${e}`);
      continue;
    }
    result.objects.push({ source: doc.source, object, notes: log.notes });
  }
  return result;
}
