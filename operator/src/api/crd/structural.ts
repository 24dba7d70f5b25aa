// Turns the JSON Schema zod emits (`target: "openapi-3.0", io: "input", reused: "inline"`) into a
// structural schema the apiserver accepts as a CRD `openAPIV3Schema`: no refs, every node typed
// (or explicitly free-form), unions flattened, closed objects left to pruning. Pure; anything it
// cannot convert faithfully throws a CrdGenError naming the schema path.
import { parseValidations } from "./cel.ts";
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";
import {
  expectNode,
  isNode,
  itemsPath,
  propertyPath,
  type SchemaNode,
  showPath,
  valuesPath,
} from "./schema-node.ts";
import { checkFormat, checkPattern } from "./strings.ts";
import { flattenUnion } from "./unions.ts";

const REF_KEYWORDS = ["$ref", "$defs", "definitions", "$id", "$anchor", "$dynamicRef", "$dynamicAnchor"];
/** Keywords with no meaning for validation or pruning: dropped without a trace. */
const DROPPED = new Set(["$schema", "$comment", "readOnly", "writeOnly"]);
const K8S_EXTENSIONS = [
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-int-or-string",
  "x-kubernetes-embedded-resource",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-validations",
] as const;
const SCALAR_TYPES = new Set(["string", "integer", "number", "boolean"]);

type Reader = {
  has(key: string): boolean;
  take(key: string): unknown;
  /** Throws when a keyword was neither used nor knowingly dropped. */
  done(): void;
};

function reader(node: SchemaNode, path: string): Reader {
  const pending = new Set(Object.keys(node));
  return {
    has: (key) => key in node,
    take(key) {
      pending.delete(key);
      return node[key];
    },
    done() {
      const left = [...pending].filter((key) => !DROPPED.has(key));
      if (left.length > 0) {
        throw new CrdGenError(
          CrdGenErrorCode.UnsupportedKeyword,
          showPath(path),
          `cannot convert keyword(s) ${left.join(", ")} for type ${JSON.stringify(node.type ?? "none")}`,
        );
      }
    },
  };
}

/** Convert one schema node (and everything under it). `path` names it in errors. */
export function toStructural(input: unknown, path = ""): SchemaNode {
  const node = expectNode(input, path);
  for (const key of REF_KEYWORDS) {
    if (key in node) {
      throw new CrdGenError(
        CrdGenErrorCode.Ref,
        showPath(path),
        `${key} is not allowed in a CRD schema; convert with reused: "inline" and drop .meta({ id }) from schemas used in CRDs`,
      );
    }
  }
  if ("anyOf" in node || "oneOf" in node || "allOf" in node) return convertComposite(node, path);
  return convertTyped(node, path);
}

function convertTyped(node: SchemaNode, path: string): SchemaNode {
  const r = reader(node, path);
  const out: SchemaNode = {};
  const { type, nullable } = readType(r.take("type"), path);
  copyAnnotations(r, out, path);
  if (nullable) out.nullable = true;
  if (type === undefined) {
    copyExtensions(r, out, path);
    if (out["x-kubernetes-preserve-unknown-fields"] !== true && out["x-kubernetes-int-or-string"] !== true) {
      if (Object.keys(node).some((key) => !isAnnotation(key) && key !== "type")) {
        throw new CrdGenError(CrdGenErrorCode.Untyped, showPath(path), "schema has constraints but no type");
      }
      out["x-kubernetes-preserve-unknown-fields"] = true;
    }
    r.done();
    return out;
  }
  out.type = type;
  if (SCALAR_TYPES.has(type)) convertScalar(r, out, type, path);
  else if (type === "array") convertArray(r, out, path);
  else if (type === "object") convertObject(r, out, path);
  else throw new CrdGenError(CrdGenErrorCode.UnsupportedType, showPath(path), `type ${JSON.stringify(type)}`);
  copyExtensions(r, out, path);
  r.done();
  return out;
}

function readType(value: unknown, path: string): { type: string | undefined; nullable: boolean } {
  if (value === undefined || typeof value === "string") {
    if (value === "null") {
      throw new CrdGenError(CrdGenErrorCode.UnsupportedType, showPath(path), "a field that can only be null");
    }
    return { type: value, nullable: false };
  }
  if (Array.isArray(value)) {
    const types = value.filter((t) => t !== "null");
    const only = types[0];
    if (types.length === 1 && typeof only === "string")
      return { type: only, nullable: types.length < value.length };
  }
  throw new CrdGenError(CrdGenErrorCode.UnsupportedType, showPath(path), `type ${JSON.stringify(value)}`);
}

const ANNOTATIONS = new Set([
  "description",
  "title",
  "default",
  "example",
  "examples",
  "deprecated",
  "nullable",
]);
function isAnnotation(key: string): boolean {
  return ANNOTATIONS.has(key) || DROPPED.has(key);
}

function copyAnnotations(r: Reader, out: SchemaNode, path: string): void {
  let description = optionalString(r.take("description"), "description", path);
  if (r.take("deprecated") === true) description = description ? `Deprecated. ${description}` : "Deprecated.";
  if (description !== undefined) out.description = description;
  const title = optionalString(r.take("title"), "title", path);
  if (title !== undefined) out.title = title;
  if (r.has("default")) out.default = r.take("default");
  const examples = r.take("examples");
  const example = r.has("example") ? r.take("example") : Array.isArray(examples) ? examples[0] : undefined;
  if (example !== undefined) out.example = example;
  if (r.take("nullable") === true) out.nullable = true;
}

function copyExtensions(r: Reader, out: SchemaNode, path: string): void {
  for (const key of K8S_EXTENSIONS) {
    if (!r.has(key)) continue;
    const value = r.take(key);
    if (key === "x-kubernetes-validations") {
      const rules = parseValidations(value, path);
      const existing = Array.isArray(out[key]) ? (out[key] as unknown[]) : [];
      out[key] = [...existing, ...rules];
    } else {
      out[key] = value;
    }
  }
}

function optionalString(value: unknown, key: string, path: string): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  throw new CrdGenError(CrdGenErrorCode.UnsupportedKeyword, showPath(path), `${key} must be a string`);
}

function optionalNumber(r: Reader, key: string, path: string): number | undefined {
  const value = r.take(key);
  if (value === undefined || typeof value === "number") return value;
  throw new CrdGenError(CrdGenErrorCode.UnsupportedKeyword, showPath(path), `${key} must be a number`);
}

function copyNumbers(r: Reader, out: SchemaNode, keys: readonly string[], path: string): void {
  for (const key of keys) {
    const value = optionalNumber(r, key, path);
    if (value !== undefined) out[key] = value;
  }
}

function convertScalar(r: Reader, out: SchemaNode, type: string, path: string): void {
  if (r.has("const")) out.enum = [r.take("const")];
  if (r.has("enum")) out.enum = readEnum(r.take("enum"), type, out.nullable === true, path);
  if (type === "string") {
    const pattern = optionalString(r.take("pattern"), "pattern", path);
    if (pattern !== undefined) out.pattern = checkPattern(pattern, path);
    const format = checkFormat(optionalString(r.take("format"), "format", path), pattern !== undefined, path);
    if (format !== undefined) out.format = format;
    copyNumbers(r, out, ["minLength", "maxLength"], path);
    return;
  }
  if (type === "integer" || type === "number") convertNumeric(r, out, type, path);
}

function convertNumeric(r: Reader, out: SchemaNode, type: string, path: string): void {
  const format = optionalString(r.take("format"), "format", path);
  if (format !== undefined) out.format = checkFormat(format, false, path);
  copyNumbers(r, out, ["minimum", "maximum", "multipleOf"], path);
  // zod marks every int with JavaScript's safe-integer range: noise, not a user's bound.
  if (type === "integer" && out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  if (type === "integer" && out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
  for (const [key, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    const value = r.take(key);
    if (value === undefined || value === false) continue;
    if (value === true) out[key] = true;
    else if (typeof value === "number") {
      out[bound] = value;
      out[key] = true;
    } else
      throw new CrdGenError(
        CrdGenErrorCode.UnsupportedKeyword,
        showPath(path),
        `${key} must be a boolean or number`,
      );
  }
}

function readEnum(value: unknown, type: string, nullable: boolean, path: string): unknown[] {
  const jsType = type === "integer" ? "number" : type;
  if (Array.isArray(value) && value.length > 0) {
    const ok = value.every((v) => typeof v === jsType || (nullable && v === null));
    if (ok) return value;
  }
  throw new CrdGenError(
    CrdGenErrorCode.UnsupportedKeyword,
    showPath(path),
    `enum ${JSON.stringify(value)} is not a list of ${type}s`,
  );
}

function convertArray(r: Reader, out: SchemaNode, path: string): void {
  const items = r.take("items");
  if (!isNode(items)) {
    throw new CrdGenError(
      CrdGenErrorCode.Untyped,
      showPath(path),
      "an array needs one items schema (tuples are not supported)",
    );
  }
  out.items = toStructural(items, itemsPath(path));
  copyNumbers(r, out, ["minItems", "maxItems"], path);
  if (r.take("uniqueItems") === true) {
    const itemType = (out.items as SchemaNode).type;
    if (typeof itemType !== "string" || !SCALAR_TYPES.has(itemType)) {
      throw new CrdGenError(
        CrdGenErrorCode.UnsupportedKeyword,
        showPath(path),
        "uniqueItems needs scalar items (x-kubernetes-list-type: set)",
      );
    }
    out["x-kubernetes-list-type"] = "set";
  }
}

function convertObject(r: Reader, out: SchemaNode, path: string): void {
  const props = r.take("properties");
  if (props !== undefined && !isNode(props)) {
    throw new CrdGenError(CrdGenErrorCode.UnsupportedKeyword, showPath(path), "properties must be an object");
  }
  const properties: SchemaNode = {};
  for (const [key, child] of Object.entries(props ?? {}))
    properties[key] = toStructural(child, propertyPath(path, key));
  const hasProperties = Object.keys(properties).length > 0;
  if (hasProperties) out.properties = properties;
  const required = readRequired(r.take("required"), properties, path);
  if (required.length > 0) out.required = required;
  convertAdditional(r.take("additionalProperties"), out, hasProperties, path);
  copyNumbers(r, out, ["minProperties", "maxProperties"], path);
}

function readRequired(value: unknown, properties: SchemaNode, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new CrdGenError(
      CrdGenErrorCode.UnsupportedKeyword,
      showPath(path),
      "required must be a list of names",
    );
  }
  const missing = value.filter((name) => !(name in properties));
  if (missing.length > 0) {
    throw new CrdGenError(
      CrdGenErrorCode.Conflict,
      showPath(path),
      `required names unknown properties: ${missing.join(", ")}`,
    );
  }
  return value;
}

/**
 * `false`: dropped, the apiserver prunes unknown fields. `true`/`{}`: free-form, kept by
 * x-kubernetes-preserve-unknown-fields. A schema: a map (not allowed beside properties).
 */
function convertAdditional(value: unknown, out: SchemaNode, hasProperties: boolean, path: string): void {
  if (value === undefined || value === false) return;
  const freeForm = value === true || (isNode(value) && Object.keys(value).every(isAnnotation));
  if (freeForm) {
    out["x-kubernetes-preserve-unknown-fields"] = true;
    return;
  }
  if (hasProperties) {
    throw new CrdGenError(
      CrdGenErrorCode.Conflict,
      showPath(path),
      "a CRD object cannot have both properties and a typed additionalProperties (use a looseObject or a record)",
    );
  }
  out.additionalProperties = toStructural(value, valuesPath(path));
}

// ---- anyOf / oneOf / allOf -------------------------------------------------------------------

const COMPOSITE_OUTER = new Set(["anyOf", "oneOf", "allOf", ...ANNOTATIONS, ...DROPPED, ...K8S_EXTENSIONS]);

function convertComposite(node: SchemaNode, path: string): SchemaNode {
  const outerKeys = Object.keys(node).filter((key) => !COMPOSITE_OUTER.has(key));
  const keywords = ["anyOf", "oneOf", "allOf"].filter((key) => key in node);
  const keyword = keywords[0];
  if (outerKeys.length > 0 || keywords.length !== 1 || keyword === undefined) {
    throw new CrdGenError(
      CrdGenErrorCode.Union,
      showPath(path),
      `cannot combine ${[...keywords, ...outerKeys].join(", ")} in one node`,
    );
  }
  const list = node[keyword];
  if (!Array.isArray(list) || list.length === 0) {
    throw new CrdGenError(CrdGenErrorCode.Union, showPath(path), `${keyword} must be a non-empty list`);
  }
  const branches = list.map((branch, i) => toStructural(branch, `${showPath(path)}.${keyword}[${i}]`));
  const merged = keyword === "allOf" ? mergeAll(branches, path) : flattenUnion(branches, path);
  const r = reader(node, path);
  r.take(keyword);
  const outer: SchemaNode = {};
  copyAnnotations(r, outer, path);
  copyExtensions(r, outer, path);
  r.done();
  return withOuter(merged, outer);
}

/** The union's own description, default and rules win over (or add to) the merged branch's. */
function withOuter(merged: SchemaNode, outer: SchemaNode): SchemaNode {
  const rules = [
    ...(Array.isArray(merged["x-kubernetes-validations"]) ? merged["x-kubernetes-validations"] : []),
    ...(Array.isArray(outer["x-kubernetes-validations"]) ? outer["x-kubernetes-validations"] : []),
  ];
  const result: SchemaNode = { ...merged, ...outer };
  if (rules.length > 0) result["x-kubernetes-validations"] = rules;
  return result;
}

/** allOf (a zod intersection): every branch an object; properties must agree where they meet. */
function mergeAll(branches: SchemaNode[], path: string): SchemaNode {
  const properties: SchemaNode = {};
  const required = new Set<string>();
  const rules: unknown[] = [];
  for (const branch of branches) {
    if (branch.type !== "object" || branch.additionalProperties !== undefined) {
      throw new CrdGenError(
        CrdGenErrorCode.Union,
        showPath(path),
        "allOf is only supported between plain objects",
      );
    }
    for (const [key, child] of Object.entries(isNode(branch.properties) ? branch.properties : {})) {
      if (key in properties && JSON.stringify(properties[key]) !== JSON.stringify(child)) {
        throw new CrdGenError(
          CrdGenErrorCode.Conflict,
          propertyPath(path, key),
          "allOf branches disagree on this property",
        );
      }
      properties[key] = child;
    }
    for (const name of Array.isArray(branch.required) ? branch.required : []) required.add(String(name));
    if (Array.isArray(branch["x-kubernetes-validations"])) rules.push(...branch["x-kubernetes-validations"]);
  }
  const out: SchemaNode = { type: "object", properties };
  if (required.size > 0) out.required = [...required];
  if (rules.length > 0) out["x-kubernetes-validations"] = rules;
  return out;
}
