// Header regular expressions run on V8's linear-time engine (the `l` flag): matching costs
// O(pattern × input) whatever the pattern, so `^(a+)+$` against a crafted header cannot stall the
// event loop. Patterns that engine cannot run (backreferences, lookaround) are refused at config
// time: by the translator (a False condition) and by the proxy (the snapshot is rejected).
import { setFlagsFromString } from "node:v8";

/** The longest header RegularExpression accepted (also enforced by the AIRoute CRD). */
export const MAX_HEADER_REGEX_LENGTH = 1024;

// Enabling the engine only makes the `l` flag available; it changes no other RegExp.
setFlagsFromString("--enable-experimental-regexp-engine");

/** The anchored linear-time RegExp for a Gateway API header RegularExpression, or why not. */
export function compileLinearRegex(source: string): RegExp | string {
  if (source.length > MAX_HEADER_REGEX_LENGTH)
    return `regular expression longer than ${MAX_HEADER_REGEX_LENGTH} characters`;
  try {
    new RegExp(source);
  } catch {
    return "invalid regular expression";
  }
  try {
    return new RegExp(`^(?:${source})$`, "l");
  } catch {
    return "regular expression cannot be matched in linear time (backreferences and lookaround are not supported)";
  }
}
