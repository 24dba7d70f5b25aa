// String constraints the apiserver must be able to evaluate: patterns in the RE2 dialect it
// compiles them with, and only formats it knows.
import { CrdGenError, CrdGenErrorCode } from "./errors.ts";
import { showPath } from "./schema-node.ts";

/** Formats the apiserver validates (kube-openapi's registry) or documents (numeric widths). */
const K8S_FORMATS = new Set([
  "int32",
  "int64",
  "float",
  "double",
  "byte",
  "binary",
  "password",
  "date",
  "date-time",
  "datetime",
  "duration",
  "uri",
  "email",
  "hostname",
  "ipv4",
  "ipv6",
  "cidr",
  "mac",
  "uuid",
  "uuid3",
  "uuid4",
  "uuid5",
]);

/**
 * Keep a format the apiserver knows. zod-only formats (starts_with, ends_with, includes, ...) are
 * dropped when zod also wrote the pattern that enforces them; any other unknown format fails.
 */
export function checkFormat(
  format: string | undefined,
  hasPattern: boolean,
  path: string,
): string | undefined {
  if (format === undefined || K8S_FORMATS.has(format)) return format;
  if (hasPattern) return undefined;
  throw new CrdGenError(
    CrdGenErrorCode.Format,
    showPath(path),
    `format ${JSON.stringify(format)} is unknown to the apiserver and has no pattern to enforce it`,
  );
}

// RE2 has no lookaround and no backreferences; the apiserver would refuse the CRD.
const NOT_RE2: readonly [RegExp, string][] = [
  [/\(\?<?[=!]/, "lookaround"],
  [/\\[1-9]/, "backreference"],
  [/\\k</, "named backreference"],
];

export function checkPattern(pattern: string, path: string): string {
  try {
    new RegExp(pattern);
  } catch (cause) {
    throw new CrdGenError(CrdGenErrorCode.Pattern, showPath(path), `pattern does not compile: ${pattern}`, {
      cause,
    });
  }
  for (const [test, what] of NOT_RE2) {
    if (test.test(pattern)) {
      throw new CrdGenError(
        CrdGenErrorCode.Pattern,
        showPath(path),
        `pattern uses a ${what}, which RE2 lacks: ${pattern}`,
      );
    }
  }
  return pattern;
}
