// Upstream agentgateway fields ai-gateway does not support. They are declared (any value) so that
// no API server prunes them silently: a structural schema drops unknown fields whenever the client
// does not ask for strict validation (`kubectl apply --validate=false`, most API clients), and the
// object would then be Accepted without them. Declared, they are refused everywhere instead: by a
// CEL rule of their parent in the API server (reported at the field's own path), and by the zod
// schema in standalone mode and in the translator, each naming the field and saying "not supported".
import { z } from "zod";

export const NOT_SUPPORTED = "not supported by ai-gateway";

type Rule = { rule: string; message: string; fieldPath: string; reason: "FieldValueForbidden" };

/** The shape to spread into a strictObject and the CEL rules to add to its x-kubernetes-validations. */
export function unsupportedFields<const N extends string>(
  names: readonly N[],
  what: string,
): { shape: Record<N, z.ZodOptional<z.ZodType<unknown>>>; rules: Rule[] } {
  const shape = {} as Record<N, z.ZodOptional<z.ZodType<unknown>>>;
  for (const name of names) {
    shape[name] = z
      .unknown()
      .superRefine((v, ctx) => {
        if (v !== undefined) ctx.addIssue({ code: "custom", message: NOT_SUPPORTED });
      })
      .optional()
      // typed, so the parent's CEL rule can name it (CEL has no field of an untyped node)
      .meta({
        description: `Upstream agentgateway's ${what} ${name}: ${NOT_SUPPORTED} (refused when set).`,
        type: "object",
        "x-kubernetes-preserve-unknown-fields": true,
      });
  }
  const rules = names.map((name) => ({
    rule: `!has(self.${name})`,
    message: `${name}: ${NOT_SUPPORTED}`,
    fieldPath: `.${name}`,
    reason: "FieldValueForbidden" as const,
  }));
  return { shape, rules };
}
