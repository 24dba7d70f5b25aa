// Per-entry matchers compiled once per snapshot: headers (exact or anchored regular expression,
// names case-insensitive) and the model glob ('*' = any run of characters, anchored). Every matcher
// is linear in its input: regexes run on V8's linear engine (linear-regex.ts), globs are matched
// by a greedy scan, never compiled to a backtracking RegExp.
import type { RouteMatch } from "../snapshot/schema.ts";
import { compileLinearRegex } from "./linear-regex.ts";

export type HeaderLookup = (lowerName: string) => string | undefined;
export type HeaderMatcher = (get: HeaderLookup) => boolean;

export function compileHeaderMatchers(headers: RouteMatch["headers"]): HeaderMatcher[] {
  return (headers ?? []).map((h) => {
    const name = h.name.toLowerCase();
    if (h.type === "Exact") {
      const value = h.value;
      return (get) => get(name) === value;
    }
    const re = compileLinearRegex(h.value);
    // checkHeaderRegexes() rejected the snapshot before this: a pattern that fails matches nothing
    if (typeof re === "string") return () => false;
    return (get) => {
      const v = get(name);
      return v !== undefined && re.test(v);
    };
  });
}

/** A readable error for a header regex the linear engine cannot run (the snapshot is rejected). */
export function checkHeaderRegexes(headers: RouteMatch["headers"]): string | undefined {
  for (const h of headers ?? []) {
    if (h.type !== "RegularExpression") continue;
    const re = compileLinearRegex(h.value);
    if (typeof re === "string") return `header ${h.name}: ${re}`;
  }
  return undefined;
}

export type ModelMatcher = (model: string | undefined) => boolean;

export function compileModelGlob(glob: string): ModelMatcher {
  if (!glob.includes("*")) return (m) => (m ?? "") === glob;
  if (glob === "*") return () => true;
  const parts = glob.split("*");
  return (m) => globMatch(parts, m ?? "");
}

/**
 * `parts` is the glob split on '*'. The first part must be a prefix, the last a suffix, and the
 * middle ones appear in order in between: taking each at its leftmost place is always right for
 * '*'-only globs, so one left-to-right pass decides (no backtracking).
 */
export function globMatch(parts: readonly string[], s: string): boolean {
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (s.length < first.length + last.length) return false;
  if (!s.startsWith(first) || !s.endsWith(last)) return false;
  let at = first.length;
  const end = s.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const p = parts[i] as string;
    if (p === "") continue;
    const found = s.indexOf(p, at);
    if (found === -1 || found + p.length > end) return false;
    at = found + p.length;
  }
  return true;
}
