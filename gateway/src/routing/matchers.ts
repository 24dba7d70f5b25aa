// Per-entry matchers compiled once per snapshot: headers (exact or anchored regular expression,
// names case-insensitive) and the model glob ('*' = any run of characters, anchored).
import type { RouteMatch } from "../snapshot/schema.ts";

export type HeaderLookup = (lowerName: string) => string | undefined;
export type HeaderMatcher = (get: HeaderLookup) => boolean;

export function compileHeaderMatchers(headers: RouteMatch["headers"]): HeaderMatcher[] {
  return (headers ?? []).map((h) => {
    const name = h.name.toLowerCase();
    if (h.type === "Exact") {
      const value = h.value;
      return (get) => get(name) === value;
    }
    const re = new RegExp(`^(?:${h.value})$`);
    return (get) => {
      const v = get(name);
      return v !== undefined && re.test(v);
    };
  });
}

/** Throws a readable error for a header regex that does not compile (the snapshot is rejected). */
export function checkHeaderRegexes(headers: RouteMatch["headers"]): string | undefined {
  for (const h of headers ?? []) {
    if (h.type !== "RegularExpression") continue;
    try {
      new RegExp(`^(?:${h.value})$`);
    } catch {
      return `header ${h.name}: invalid regular expression`;
    }
  }
  return undefined;
}

export type ModelMatcher = (model: string | undefined) => boolean;

export function compileModelGlob(glob: string): ModelMatcher {
  if (!glob.includes("*")) return (m) => (m ?? "") === glob;
  if (glob === "*") return () => true;
  const escaped = glob
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  const re = new RegExp(`^${escaped}$`, "s");
  return (m) => re.test(m ?? "");
}
