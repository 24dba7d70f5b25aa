// The JSON Schema node we transform: a plain JSON object. Helpers to read it without `any` and to
// name a node's place in the schema (`spec.rules[].backendRefs`) in error messages.
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";

export type SchemaNode = { [key: string]: unknown };

export function isNode(value: unknown): value is SchemaNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function expectNode(value: unknown, path: string): SchemaNode {
  if (!isNode(value)) {
    throw new CrdGenError(
      CrdGenErrorCode.NotAnObject,
      showPath(path),
      `expected a schema object, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** Human form of a schema path; the root is shown as `(root)`. */
export function showPath(path: string): string {
  return path === "" ? "(root)" : path;
}

export function propertyPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

export const itemsPath = (path: string): string => `${path}[]`;
export const valuesPath = (path: string): string => `${path}{}`;
export const branchPath = (path: string, keyword: string, index: number): string =>
  `${showPath(path)}.${keyword}[${index}]`;

/** The node's `properties` as an ordered list of entries (empty when there are none). */
export function propertiesOf(node: SchemaNode): [string, SchemaNode][] {
  const props = node.properties;
  if (!isNode(props)) return [];
  return Object.entries(props).filter((entry): entry is [string, SchemaNode] => isNode(entry[1]));
}

export function requiredOf(node: SchemaNode): string[] {
  const req = node.required;
  return Array.isArray(req) ? req.filter((r): r is string => typeof r === "string") : [];
}

export function typeOf(node: SchemaNode): string | undefined {
  return typeof node.type === "string" ? node.type : undefined;
}
