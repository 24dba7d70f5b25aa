// The redacted view of a snapshot for /config_dump: every credential and key hash replaced by
// "[REDACTED]". Works on a deep copy; the served snapshot is never touched.
import type { Snapshot } from "./schema.ts";

export const REDACTED = "[REDACTED]";
const SECRET_FIELDS = new Set(["credential", "sha256", "privateKey"]);

function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELDS.has(k) ? REDACTED : redact(v);
  return out;
}

export function redactSnapshot(snapshot: Snapshot): unknown {
  return redact(snapshot);
}
