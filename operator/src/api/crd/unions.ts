// Flatten anyOf/oneOf (zod unions) into one structural node, which is all a CRD may hold:
//  - object branches become one object with every property, plus CEL rules: with a discriminator
//    (z.discriminatedUnion) each value's own requirements; otherwise exactly one branch's own
//    properties set (`[has(self.a), has(self.b)].filter(x, x).size() == 1`);
//  - scalar branches of one type with enums become one enum; string|integer becomes int-or-string;
//  - a null branch makes the result nullable.
// Anything else throws: a CRD cannot express it and silently widening it would admit bad objects.
import { isDeepStrictEqual } from "node:util";
import { celField, celString, exactlyOneRule, parseValidations, type ValidationRule } from "./cel.ts";
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";
import { isNode, propertiesOf, requiredOf, type SchemaNode, showPath } from "./schema-node.ts";

const ANNOTATION_KEYS = new Set(["description", "title", "example", "nullable"]);

export function flattenUnion(input: readonly SchemaNode[], path: string): SchemaNode {
  const branches = input.filter((b) => !isNullBranch(b));
  const nullable = branches.length < input.length;
  const merged = flattenNonNull(branches, path);
  return nullable ? { ...merged, nullable: true } : merged;
}

function isNullBranch(node: SchemaNode): boolean {
  return (
    node.type === "null" ||
    (node.nullable === true && Array.isArray(node.enum) && node.enum.length === 1 && node.enum[0] === null)
  );
}

function flattenNonNull(branches: readonly SchemaNode[], path: string): SchemaNode {
  const [first, ...rest] = branches;
  if (first === undefined) {
    throw new CrdGenError(CrdGenErrorCode.Union, showPath(path), "a union of null only");
  }
  if (rest.length === 0) return first;
  const types = new Set(branches.map((b) => b.type));
  if (types.size === 1 && first.type === "object") return flattenObjects(branches, path);
  if (types.size === 1 && branches.every(isPlainEnum)) return mergeEnums(branches);
  if (isIntOrString(branches)) return { "x-kubernetes-int-or-string": true };
  throw new CrdGenError(
    CrdGenErrorCode.Union,
    showPath(path),
    `cannot express a union of ${branches.map(describeBranch).join(" | ")} in a CRD`,
  );
}

function describeBranch(node: SchemaNode): string {
  return typeof node.type === "string" ? node.type : "untyped";
}

function isPlainEnum(node: SchemaNode): boolean {
  return (
    Array.isArray(node.enum) &&
    Object.keys(node).every((k) => k === "type" || k === "enum" || ANNOTATION_KEYS.has(k))
  );
}

function mergeEnums(branches: readonly SchemaNode[]): SchemaNode {
  const values: unknown[] = [];
  for (const b of branches) {
    for (const v of Array.isArray(b.enum) ? b.enum : []) if (!values.includes(v)) values.push(v);
  }
  return { type: branches[0]?.type, enum: values };
}

function isIntOrString(branches: readonly SchemaNode[]): boolean {
  const types = branches.map((b) => b.type).sort();
  const bare = branches.every((b) => Object.keys(b).every((k) => k === "type" || ANNOTATION_KEYS.has(k)));
  return bare && branches.length === 2 && types[0] === "integer" && types[1] === "string";
}

// ---- object unions ---------------------------------------------------------------------------

type Branch = { keys: string[]; required: string[]; rules: ValidationRule[]; node: SchemaNode };

function flattenObjects(nodes: readonly SchemaNode[], path: string): SchemaNode {
  const branches = nodes.map((node, i) => toBranch(node, `${showPath(path)}|${i}`));
  const discriminator = findDiscriminator(branches);
  const properties = mergeProperties(branches, discriminator, path);
  const requiredEverywhere = Object.keys(properties).filter((k) =>
    branches.every((b) => b.required.includes(k)),
  );
  const rules =
    discriminator === undefined
      ? markerRules(branches, requiredEverywhere, path)
      : discriminatorRules(branches, discriminator, requiredEverywhere, path);
  const out: SchemaNode = { type: "object", properties };
  if (requiredEverywhere.length > 0) out.required = requiredEverywhere;
  if (rules.length > 0) out["x-kubernetes-validations"] = rules;
  return out;
}

function toBranch(node: SchemaNode, path: string): Branch {
  if (node.additionalProperties !== undefined || node["x-kubernetes-preserve-unknown-fields"] === true) {
    throw new CrdGenError(
      CrdGenErrorCode.Union,
      path,
      "a union branch must be a closed object (no record/passthrough)",
    );
  }
  const rules =
    node["x-kubernetes-validations"] === undefined
      ? []
      : parseValidations(node["x-kubernetes-validations"], path);
  return { keys: propertiesOf(node).map(([k]) => k), required: requiredOf(node), rules, node };
}

function propertyOf(branch: Branch, key: string): SchemaNode | undefined {
  const props = branch.node.properties;
  if (!isNode(props)) return undefined;
  const value = props[key];
  return isNode(value) ? value : undefined;
}

/** A required string property every branch has, each with one distinct literal value. */
function findDiscriminator(branches: readonly Branch[]): string | undefined {
  const candidates = branches[0]?.keys ?? [];
  return candidates.find((key) => {
    const values = branches.map((b) => literalOf(propertyOf(b, key)));
    const distinct = new Set(values);
    return (
      branches.every((b) => b.required.includes(key)) &&
      values.every((v) => v !== undefined) &&
      distinct.size === values.length
    );
  });
}

function literalOf(node: SchemaNode | undefined): string | undefined {
  if (node?.type !== "string" || !Array.isArray(node.enum) || node.enum.length !== 1) return undefined;
  const [value] = node.enum;
  return typeof value === "string" ? value : undefined;
}

function mergeProperties(
  branches: readonly Branch[],
  discriminator: string | undefined,
  path: string,
): SchemaNode {
  const properties: SchemaNode = {};
  for (const branch of branches) {
    for (const key of branch.keys) {
      const child = propertyOf(branch, key);
      if (child === undefined || key === discriminator) continue;
      const seen = properties[key];
      if (isNode(seen) && !isDeepStrictEqual(withoutDescription(seen), withoutDescription(child))) {
        throw new CrdGenError(
          CrdGenErrorCode.Conflict,
          `${showPath(path)}.${key}`,
          "union branches give this property different schemas",
        );
      }
      if (!isNode(seen)) properties[key] = child;
    }
  }
  if (discriminator === undefined) return properties;
  const values = branches.map((b) => literalOf(propertyOf(b, discriminator)));
  const first = branches[0] === undefined ? undefined : propertyOf(branches[0], discriminator);
  const description = typeof first?.description === "string" ? { description: first.description } : {};
  return { [discriminator]: { ...description, type: "string", enum: values }, ...properties };
}

function withoutDescription(node: SchemaNode): SchemaNode {
  const { description: _drop, ...rest } = node;
  return rest;
}

function has(key: string, path: string): string {
  return `has(${celField(key, path)})`;
}

function allOf(conditions: readonly string[]): string {
  return conditions.length === 1 ? (conditions[0] ?? "true") : `(${conditions.join(" && ")})`;
}

function anyOf(conditions: readonly string[]): string {
  return conditions.length === 1 ? (conditions[0] ?? "false") : `(${conditions.join(" || ")})`;
}

/** Rules a branch brings along only hold when that branch is the one chosen. */
function guardedRules(branch: Branch, chosen: string, path: string): ValidationRule[] {
  return branch.rules.map((rule) => {
    if (/\boldSelf\b/.test(rule.rule)) {
      throw new CrdGenError(CrdGenErrorCode.Union, path, "a transition rule (oldSelf) inside a union branch");
    }
    return { ...rule, rule: `!${chosen} || (${rule.rule})` };
  });
}

/** No discriminator: each branch is known by the properties only it has; exactly one is set. */
function markerRules(
  branches: readonly Branch[],
  requiredEverywhere: readonly string[],
  path: string,
): ValidationRule[] {
  const own = branches.map((b) =>
    b.keys.filter((k) => branches.every((other) => other === b || !other.keys.includes(k))),
  );
  own.forEach((keys, i) => {
    if (keys.length === 0) {
      throw new CrdGenError(
        CrdGenErrorCode.Union,
        `${showPath(path)}|${i}`,
        "this union branch has no property of its own; use z.discriminatedUnion or give it a distinct field",
      );
    }
  });
  const markers = own.map((keys) => anyOf(keys.map((k) => has(k, path))));
  const labels = own.map((keys) => keys.join(" or "));
  const rules: ValidationRule[] = [
    { rule: exactlyOneRule(markers), message: `exactly one of ${labels.join(", ")} must be set` },
  ];
  branches.forEach((branch, i) => {
    const chosen = markers[i] ?? "false";
    const needs = branch.required.filter((k) => !requiredEverywhere.includes(k) && chosen !== has(k, path));
    if (needs.length > 0) {
      rules.push({
        rule: `!${chosen} || ${allOf(needs.map((k) => has(k, path)))}`,
        message: `${needs.join(", ")} must be set together with ${labels[i]}`,
      });
    }
    rules.push(...guardedRules(branch, chosen, path));
  });
  return rules;
}

/** A discriminator: its value decides which properties must and must not be set. */
function discriminatorRules(
  branches: readonly Branch[],
  discriminator: string,
  requiredEverywhere: readonly string[],
  path: string,
): ValidationRule[] {
  const rules: ValidationRule[] = [];
  for (const branch of branches) {
    const value = literalOf(propertyOf(branch, discriminator)) ?? "";
    const chosen = `(${celField(discriminator, path)} == ${celString(value, path)})`;
    const needs = branch.required.filter((k) => k !== discriminator && !requiredEverywhere.includes(k));
    const forbidden = branches
      .flatMap((other) => other.keys)
      .filter((k, i, all) => all.indexOf(k) === i && !branch.keys.includes(k));
    const conditions = [...needs.map((k) => has(k, path)), ...forbidden.map((k) => `!${has(k, path)}`)];
    if (conditions.length > 0) {
      const parts = [
        needs.length > 0 ? `${needs.join(", ")} must be set` : "",
        forbidden.length > 0 ? `${forbidden.join(", ")} must not be set` : "",
      ].filter((p) => p !== "");
      rules.push({
        rule: `!${chosen} || ${allOf(conditions)}`,
        message: `when ${discriminator} is ${value}: ${parts.join("; ")}`,
      });
    }
    rules.push(...guardedRules(branch, chosen, path));
  }
  return rules;
}
