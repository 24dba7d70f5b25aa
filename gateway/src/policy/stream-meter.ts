// Running output tokens of a stream, for budgets: the text of each event (string values under
// "content", "text" or "thinking", whatever the provider's format) counted with gpt-tokenizer.
// An estimate for non-OpenAI models; the provider's reported usage settles the exact amount.
import { countTokens } from "../tokenizer.ts";

const TEXT_KEYS = new Set(["content", "text", "thinking", "arguments", "partial_json"]);

function collect(v: unknown, out: string[], depth: number, underText: boolean): void {
  if (depth > 16) return;
  if (typeof v === "string") {
    if (underText) out.push(v);
  } else if (Array.isArray(v)) {
    for (const x of v) collect(x, out, depth + 1, underText);
  } else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) collect(x, out, depth + 1, TEXT_KEYS.has(k));
  }
}

export function eventOutputTokens(json: unknown): number {
  const parts: string[] = [];
  collect(json, parts, 0, false);
  let n = 0;
  for (const p of parts) if (p.length > 0) n += countTokens(p);
  return n;
}
