// How a schema failure is shown to a user: the field path it concerns and a message. Every schema
// of our kinds is strict, so an unknown field is an issue of its own: it is named by its full
// path ("spec.policies.transformation") and said to be not supported, never silently dropped.
import type { z } from "zod";

export interface FieldIssue {
  path: PropertyKey[];
  message: string;
}

/** One entry per unknown field (zod reports them together on the parent), else the issue itself. */
export function fieldIssues(issue: z.core.$ZodIssue): FieldIssue[] {
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) => ({
      path: [...issue.path, key],
      message: "unknown field: not supported",
    }));
  }
  return [{ path: [...issue.path], message: issue.message }];
}

/** "spec.ai.groups[0].providers[1].name" ("(root)" for the empty path). */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : `${out === "" ? "" : "."}${String(p)}`;
  return out === "" ? "(root)" : out;
}

/** "spec.x: unknown field: not supported; spec.ai.provider: Invalid input" (at most 3 issues). */
export function formatIssues(error: z.ZodError): string {
  const all = error.issues.flatMap(fieldIssues);
  const shown = all.slice(0, 3).map((i) => `${formatPath(i.path)}: ${i.message}`);
  const more = all.length > 3 ? ` (and ${all.length - 3} more)` : "";
  return `${shown.join("; ")}${more}`;
}
