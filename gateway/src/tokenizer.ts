// Token counting with gpt-tokenizer's o200k encoding, loaded on first use: its tables cost about
// 65 MiB of memory and 170 ms to load, which a proxy serving no token policy and no count_tokens
// never pays. preloadTokenizer() loads it in the background as soon as a snapshot needs it, so the
// first request that counts does not wait.
import { createRequire } from "node:module";

type Count = (text: string) => number;

const load = createRequire(import.meta.url);
let count: Count | undefined;

function tokenizer(): Count {
  count ??= (load("gpt-tokenizer") as { countTokens: Count }).countTokens;
  return count;
}

/** o200k tokens in `text`. The first call loads the tokenizer (synchronously) unless preloaded. */
export function countTokens(text: string): number {
  return tokenizer()(text);
}

/** Load the tokenizer on the next turn of the event loop, off any request's path. */
export function preloadTokenizer(): void {
  if (count === undefined) setImmediate(tokenizer);
}

/** Whether the tokenizer is in memory (for tests and the admin view). */
export function tokenizerLoaded(): boolean {
  return count !== undefined;
}
