// The last gate before a schema is written into a CRD: walk every node and check the apiserver's
// structural-schema rules, so a bad schema fails `npm run gen`, not `kubectl apply`.
import { checkRuleFields, parseValidations } from "./cel.ts";
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";
import {
  expectNode,
  isNode,
  itemsPath,
  propertiesOf,
  propertyPath,
  type SchemaNode,
  showPath,
  valuesPath,
} from "./schema-node.ts";

const NOT_STRUCTURAL = [
  "$ref",
  "$defs",
  "definitions",
  "$schema",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "patternProperties",
  "uniqueItems",
];

/** Throws unless `root` is a structural schema fit for a CRD version's openAPIV3Schema. */
export function assertStructural(root: SchemaNode): void {
  if (root.type !== "object") {
    throw new CrdGenError(CrdGenErrorCode.Untyped, "(root)", "the root of a CRD schema must be type: object");
  }
  const metadata = isNode(root.properties) ? root.properties.metadata : undefined;
  if (
    metadata !== undefined &&
    !(isNode(metadata) && Object.keys(metadata).join() === "type" && metadata.type === "object")
  ) {
    throw new CrdGenError(
      CrdGenErrorCode.Conflict,
      "metadata",
      "metadata at the root must be exactly {type: object}",
    );
  }
  walk(root, "", []);
}

/**
 * The apiserver estimates a rule's cost times the largest number of times it can run: a rule under
 * an unbounded list or map makes that the largest request it could ever get, and the CRD is refused.
 */
function checkRuleBounds(path: string, unbounded: readonly string[]): void {
  if (unbounded.length === 0) return;
  throw new CrdGenError(
    CrdGenErrorCode.Validation,
    showPath(path),
    `has CEL rules but ${unbounded.join(", ")} has no maxItems/maxProperties: add .max(n) to the zod schema (or an override in crd/kinds.ts)`,
  );
}

function walk(input: unknown, path: string, unbounded: readonly string[]): void {
  const node = expectNode(input, path);
  const bad = NOT_STRUCTURAL.filter((key) => key in node);
  if (bad.length > 0) {
    throw new CrdGenError(
      CrdGenErrorCode.UnsupportedKeyword,
      showPath(path),
      `not structural: ${bad.join(", ")}`,
    );
  }
  const freeForm =
    node["x-kubernetes-preserve-unknown-fields"] === true || node["x-kubernetes-int-or-string"] === true;
  if (typeof node.type !== "string" && !freeForm) {
    throw new CrdGenError(CrdGenErrorCode.Untyped, showPath(path), "every node needs a type");
  }
  if (node["x-kubernetes-validations"] !== undefined) {
    checkRuleFields(node, parseValidations(node["x-kubernetes-validations"], path), path);
    checkRuleBounds(path, unbounded);
  }
  if (node.type === "array") {
    if (!isNode(node.items))
      throw new CrdGenError(CrdGenErrorCode.Untyped, showPath(path), "an array needs items");
    walk(
      node.items,
      itemsPath(path),
      typeof node.maxItems === "number" ? unbounded : [...unbounded, showPath(path)],
    );
  }
  for (const [key, child] of propertiesOf(node)) walk(child, propertyPath(path, key), unbounded);
  if (node.additionalProperties !== undefined) {
    if (isNode(node.properties)) {
      throw new CrdGenError(
        CrdGenErrorCode.Conflict,
        showPath(path),
        "properties and additionalProperties together",
      );
    }
    const bounded = typeof node.maxProperties === "number";
    walk(node.additionalProperties, valuesPath(path), bounded ? unbounded : [...unbounded, showPath(path)]);
  }
}
