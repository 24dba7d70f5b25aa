// CRD-only additions to a converted schema, for what the apiserver needs but zod does not express
// yet (e.g. maxItems that bound CEL cost). Each names its path and reason, and fails once the zod
// schema sets the same keyword, so an override never silently outlives its need.
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";
import { isNode, type SchemaNode } from "./schema-node.ts";

export type SchemaOverride = {
  /** Field path in the object, arrays marked `[]`: `spec.ai.groups[].providers`. */
  path: string;
  /** Keywords to add to the node at that path. */
  set: SchemaNode;
  /** Properties to take out of the node's `required` (the CRD checks them with a CEL rule instead). */
  unrequire?: readonly string[];
  /** Why the CRD needs it; shown in errors. */
  reason: string;
};

export function applyOverrides(schema: SchemaNode, overrides: readonly SchemaOverride[]): SchemaNode {
  const result = structuredClone(schema);
  for (const override of overrides) {
    const node = resolve(result, override.path);
    for (const [key, value] of Object.entries(override.set)) {
      if (key in node) {
        throw new CrdGenError(
          CrdGenErrorCode.Override,
          override.path,
          `the schema already sets ${key}=${JSON.stringify(node[key])}; delete the override (${override.reason})`,
        );
      }
      node[key] = value;
    }
    for (const name of override.unrequire ?? []) {
      const required = Array.isArray(node.required) ? (node.required as unknown[]) : [];
      if (!required.includes(name)) {
        throw new CrdGenError(
          CrdGenErrorCode.Override,
          override.path,
          `${name} is not required here; delete the override (${override.reason})`,
        );
      }
      const rest = required.filter((r) => r !== name);
      if (rest.length > 0) node.required = rest;
      else delete node.required;
    }
  }
  return result;
}

function resolve(root: SchemaNode, path: string): SchemaNode {
  let node: SchemaNode = root;
  for (const segment of path.split(".")) {
    const isArray = segment.endsWith("[]");
    const name = isArray ? segment.slice(0, -2) : segment;
    const next: unknown = isNode(node.properties) ? node.properties[name] : undefined;
    const target: unknown = isArray && isNode(next) ? next.items : next;
    if (!isNode(target)) {
      throw new CrdGenError(CrdGenErrorCode.Override, path, `no schema node at ${JSON.stringify(segment)}`);
    }
    node = target;
  }
  return node;
}
