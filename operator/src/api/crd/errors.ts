// Every way turning a zod schema into a CRD can fail, with a stable code. The message always names
// the schema path (e.g. `spec.ai.provider.port`) so the fix is one look away.
export const CrdGenErrorCode = {
  NotAnObject: "CRD_NOT_AN_OBJECT",
  Ref: "CRD_REF",
  UnsupportedKeyword: "CRD_UNSUPPORTED_KEYWORD",
  Untyped: "CRD_UNTYPED",
  UnsupportedType: "CRD_UNSUPPORTED_TYPE",
  Union: "CRD_UNION",
  Conflict: "CRD_CONFLICT",
  Format: "CRD_FORMAT",
  Pattern: "CRD_PATTERN",
  Validation: "CRD_VALIDATION",
  Override: "CRD_OVERRIDE",
  Zod: "CRD_ZOD",
} as const;
export type CrdGenErrorCode = (typeof CrdGenErrorCode)[keyof typeof CrdGenErrorCode];

export class CrdGenError extends Error {
  readonly code: CrdGenErrorCode;
  readonly path: string;
  constructor(code: CrdGenErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(`${code} at ${path}: ${message}`, options);
    this.name = "CrdGenError";
    this.code = code;
    this.path = path;
  }
}
