// Deterministic answers and token counts. An answer of N tokens is N words from a fixed
// vocabulary (each after the first led by a space); output tokens = N. Input tokens are
// ceil(characters / 4) of all the request's text, at least 1.

const VOCABULARY = [
  "Hello",
  "from",
  "the",
  "simulated",
  "model",
  "tokens",
  "stream",
  "one",
  "word",
  "at",
  "a",
  "time",
  "for",
  "gateway",
  "tests",
  "today",
] as const;

export interface Answer {
  /** The words, with their leading spaces. */
  tokens: readonly string[];
  /** Each token as a JSON string literal (quotes included), ready to splice into templates. */
  tokensJson: readonly string[];
  text: string;
}

const answers = new Map<number, Answer>();

export function answer(n: number): Answer {
  const cached = answers.get(n);
  if (cached) return cached;
  const tokens = Array.from(
    { length: n },
    (_, i) => `${i === 0 ? "" : " "}${VOCABULARY[i % VOCABULARY.length]}`,
  );
  const made: Answer = { tokens, tokensJson: tokens.map((t) => JSON.stringify(t)), text: tokens.join("") };
  if (answers.size > 64) answers.clear();
  answers.set(n, made);
  return made;
}

/**
 * The answer a request gets: `chunks` tokens, cut at the output limit the client set (max_tokens
 * and friends), as the providers do; `truncated` says the limit cut it (finish reason "length",
 * "max_tokens" or "MAX_TOKENS").
 */
export function limitedAnswer(
  chunks: number,
  maxTokens: number | null | undefined,
): Answer & { truncated: boolean } {
  const n = maxTokens != null && maxTokens < chunks ? maxTokens : chunks;
  return { ...answer(n), truncated: n < chunks };
}

/** The simulated answer text for `chunks` tokens (what tests can expect back). */
export function simulatedReplyText(chunks: number): string {
  return answer(chunks).text;
}

/** Input tokens for the given texts: ceil(total chars / 4), at least 1. */
export function estimateInputTokens(texts: readonly string[]): number {
  let chars = 0;
  for (const t of texts) chars += t.length;
  return Math.max(1, Math.ceil(chars / 4));
}

/**
 * The text of a message-like value: a string is itself; an array is the text of its items; an
 * object contributes its `text` and `content` (OpenAI and Anthropic content parts, Gemini parts,
 * Responses input items). Roles, ids and other fields never count.
 */
export function textOf(node: unknown, out: string[] = []): string[] {
  if (typeof node === "string") out.push(node);
  else if (Array.isArray(node)) for (const item of node) textOf(item, out);
  else if (node !== null && typeof node === "object") {
    const o = node as { text?: unknown; content?: unknown };
    textOf(o.text, out);
    textOf(o.content, out);
  }
  return out;
}
