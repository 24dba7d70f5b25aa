// x-kubernetes-validations: the shape the apiserver accepts, and the few CEL facts the generator
// relies on (identifiers it may write as `self.<name>`, rules it builds for unions).
import { z } from "zod";
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";
import { propertiesOf, type SchemaNode, showPath } from "./schema-node.ts";

export const ValidationRule = z.strictObject({
  rule: z.string().min(1),
  message: z.string().min(1).optional(),
  messageExpression: z.string().min(1).optional(),
  reason: z
    .enum(["FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate"])
    .optional(),
  fieldPath: z.string().optional(),
  optionalOldSelf: z.boolean().optional(),
});
export type ValidationRule = z.infer<typeof ValidationRule>;

/** Parse a node's `x-kubernetes-validations`; fails loudly on anything the apiserver would reject. */
export function parseValidations(value: unknown, path: string): ValidationRule[] {
  const parsed = z.array(ValidationRule).safeParse(value);
  if (!parsed.success) {
    throw new CrdGenError(
      CrdGenErrorCode.Validation,
      showPath(path),
      `invalid x-kubernetes-validations: ${z.prettifyError(parsed.error)}`,
    );
  }
  return parsed.data;
}

// Words the apiserver escapes (as __word__) when it exposes a property to CEL.
const CEL_RESERVED = new Set([
  "true",
  "false",
  "null",
  "in",
  "as",
  "break",
  "const",
  "continue",
  "else",
  "for",
  "function",
  "if",
  "import",
  "let",
  "loop",
  "package",
  "namespace",
  "return",
  "var",
  "void",
  "while",
]);

/** True when `self.<name>` reaches the property unescaped. */
export function isCelIdentifier(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !CEL_RESERVED.has(name);
}

export function celField(name: string, path: string): string {
  if (!isCelIdentifier(name)) {
    throw new CrdGenError(
      CrdGenErrorCode.Union,
      showPath(path),
      `property ${JSON.stringify(name)} cannot be named in a generated CEL rule`,
    );
  }
  return `self.${name}`;
}

/** A CEL string literal for a simple enum value. */
export function celString(value: string, path: string): string {
  if (!/^[A-Za-z0-9_.\-/]*$/.test(value)) {
    throw new CrdGenError(
      CrdGenErrorCode.Union,
      showPath(path),
      `discriminator value ${JSON.stringify(value)} is not a simple string`,
    );
  }
  return `'${value}'`;
}

/** `[c1, c2].filter(x, x).size() == 1`: the one-of rule the apiserver evaluates cheaply. */
export function exactlyOneRule(conditions: readonly string[]): string {
  return `[${conditions.join(", ")}].filter(x, x).size() == 1`;
}

/**
 * Every `self.<name>` a rule on an object node names must be one of its properties: a typo in a
 * rule would otherwise only show up when the apiserver compiles the CRD.
 */
export function checkRuleFields(node: SchemaNode, rules: readonly ValidationRule[], path: string): void {
  const freeForm =
    node["x-kubernetes-preserve-unknown-fields"] === true || node.additionalProperties !== undefined;
  if (freeForm || node.type !== "object") return;
  const known = new Set(propertiesOf(node).map(([key]) => key));
  for (const { rule } of rules) {
    for (const match of rule.matchAll(/\bself\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const name = match[1];
      if (name !== undefined && !known.has(name)) {
        throw new CrdGenError(
          CrdGenErrorCode.Validation,
          showPath(path),
          `rule ${JSON.stringify(rule)} names self.${name}, which is not a property here (have: ${[...known].join(", ") || "none"})`,
        );
      }
    }
  }
}
