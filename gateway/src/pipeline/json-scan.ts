// A linear JSON validator for request bodies. It checks the whole grammar (so a body the gateway
// forwards is JSON, and a bad one is 400 invalid_json before any provider sees it), bounds the
// nesting depth (no stack to overflow, no deep recursion anywhere), and records only the byte ranges
// of the top-level members a stage needs ("model", "stream", "stream_options"). Two paths, tested to
// agree: up to NATIVE_MAX bytes, a structural pass (depth, members) plus V8's iterative JSON.parse
// for the grammar, the fastest check there is for a typical 1 KB request; above it, a full-grammar
// scan that never builds a tree: a 10 MB body of millions of empty objects costs one pass over its
// bytes, not hundreds of MB of heap. UTF-8 validity is checked natively (buffer.isUtf8).
import { isAscii, isUtf8 } from "node:buffer";

/** Nesting deeper than this is refused (real requests, tool schemas included, stay far below). */
export const MAX_JSON_DEPTH = 128;

/** Where one top-level member's value sits in the body: [start, end). */
export interface ValueRange {
  start: number;
  end: number;
}

export interface ScanResult {
  /** Byte offset of the top-level object's opening brace and of its closing brace. */
  open: number;
  close: number;
  /** Number of top-level members. */
  members: number;
  /** Ranges of the top-level members whose (decoded) name is in the wanted set. */
  picked: Map<string, ValueRange>;
}

export type ScanError =
  | { kind: "syntax"; at: number }
  | { kind: "depth"; at: number }
  | { kind: "not_object" }
  | { kind: "duplicate"; name: string };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

class Fail {
  readonly error: ScanError;
  constructor(error: ScanError) {
    this.error = error;
  }
}

/**
 * Validate `buf` as one JSON object and pick the ranges of the wanted top-level members. A wanted
 * member that appears twice is an error (parsers disagree on which one wins).
 */
export function scanJson(buf: Buffer, wanted: ReadonlySet<string>): ScanResult | ScanError {
  if (!isUtf8(buf)) return { kind: "syntax", at: 0 };
  if (buf.length <= NATIVE_MAX) return scanSmall(buf, wanted);
  return scanLarge(buf, wanted);
}

/**
 * Bodies up to this size are checked by V8's JSON.parse (native, iterative: no stack to overflow),
 * after a structural pass has bounded their depth and found the members' ranges. The tree it builds
 * is at most a few hundred kB of short-lived heap; larger bodies are never built (scanLarge).
 */
export const NATIVE_MAX = 64 * 1024;

const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

/**
 * Structure only (depth, top-level members and their value ranges), trusting JSON.parse for the
 * grammar: on valid JSON it is exact; on anything else it ends (linearly) and JSON.parse says why.
 */
export function scanSmall(buf: Buffer, wanted: ReadonlySet<string>): ScanResult | ScanError {
  const n = buf.length;
  // one byte per char (latin1): positions are byte offsets, and V8 searches a string without
  // leaving JIT code (Buffer.indexOf is a native call per string)
  const t = buf.toString("latin1");
  let i = 0;
  while (i < n && isWs(t.charCodeAt(i))) i++;
  const open = i;
  const isObject = t.charCodeAt(i) === OPEN_BRACE;
  const picked = new Map<string, ValueRange>();
  let members = 0;
  let close = -1;
  let depth = 0;
  // inside the top-level object (depth 1): what comes next, and the member being read
  let state = EXPECT_KEY;
  let keyStart = 0;
  let keyEnd = 0;
  let keyEscaped = false;
  let valueStart = 0;
  let valueEnd = 0;
  let nextBackslash = 0;
  // members whose name may be a wanted one, as [keyStart, keyEnd, escaped, valueStart, valueEnd]
  // runs: names are decoded only once JSON.parse has accepted the text
  const candidates: number[] = [];
  const endMember = (): void => {
    members++;
    if (keyEnd - keyStart - 2 <= (keyEscaped ? 64 * 6 : 64))
      candidates.push(keyStart, keyEnd, keyEscaped ? 1 : 0, valueStart, valueEnd);
  };
  for (; i < n; i++) {
    const c = t.charCodeAt(i);
    if (c === QUOTE) {
      // the closing quote is the next one not preceded by an odd run of backslashes
      const start = i;
      let esc = false;
      let j = i + 1;
      for (;;) {
        const q = t.indexOf('"', j);
        if (q === -1) return nativeVerdict(buf, t, SYNTAX);
        let b = q - 1;
        while (b > start && t.charCodeAt(b) === BACKSLASH) b--;
        if (b < q - 1) esc = true;
        j = q + 1;
        if ((q - 1 - b) % 2 === 0) break;
      }
      i = j - 1;
      // a string whose only backslashes were not right before a quote: the next backslash, found
      // once per pass (positions only move forward: linear)
      if (!esc && nextBackslash !== -1) {
        if (nextBackslash < start) nextBackslash = t.indexOf("\\", start);
        esc = nextBackslash !== -1 && nextBackslash < i;
      }
      if (isObject && depth === 1) {
        if (state === EXPECT_KEY) {
          keyStart = start;
          keyEnd = j;
          keyEscaped = esc;
          state = AFTER_KEY;
        } else if (state === EXPECT_VALUE) {
          valueStart = start;
          valueEnd = j;
          state = IN_VALUE;
        }
      }
      continue;
    }
    if (isWs(c)) continue;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (isObject && depth === 1 && state === EXPECT_VALUE) {
        valueStart = i;
        state = IN_VALUE;
      }
      depth++;
      // the top-level container is not counted (as in scanLarge)
      if (depth > MAX_JSON_DEPTH + 1) return { kind: "depth", at: i };
      continue;
    }
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
      if (!isObject) continue;
      if (depth === 1) valueEnd = i + 1;
      else if (depth === 0) {
        if (state === IN_VALUE) endMember();
        close = i;
        break;
      }
      continue;
    }
    if (!isObject || depth !== 1) continue;
    if (c === COLON) {
      if (state === AFTER_KEY) state = EXPECT_VALUE;
      continue;
    }
    if (c === COMMA) {
      if (state === IN_VALUE) endMember();
      state = EXPECT_KEY;
      continue;
    }
    // a literal or a number at depth 1: a member's value
    if (state === EXPECT_VALUE) {
      valueStart = i;
      state = IN_VALUE;
    }
    valueEnd = i + 1;
  }
  const verdict = nativeVerdict(buf, t, undefined);
  if (verdict !== undefined) return verdict;
  if (!isObject) return { kind: "not_object" };
  for (let k = 0; k < candidates.length; k += 5) {
    const c = candidates as [number, number, number, number, number];
    const name =
      c[k + 2] === 1
        ? keyName(buf, c[k] as number, c[k + 1] as number, true, wanted)
        : plainKeyName(t, c[k] as number, c[k + 1] as number, wanted);
    if (name === undefined) continue;
    if (picked.has(name)) return { kind: "duplicate", name };
    picked.set(name, { start: c[k + 3] as number, end: c[k + 4] as number });
  }
  return { open, close, members, picked };
}

const EXPECT_KEY = 0;
const AFTER_KEY = 1;
const EXPECT_VALUE = 2;
const IN_VALUE = 3;
const SYNTAX: ScanError = { kind: "syntax", at: 0 };

/**
 * JSON.parse's opinion: `ok` when the text is JSON, else a syntax error. `latin1` is `buf` decoded
 * one byte per char: for an all-ASCII body (the usual case) that is already its UTF-8 text.
 */
function nativeVerdict<T>(buf: Buffer, latin1: string, ok: T): ScanError | T {
  try {
    JSON.parse(isAscii(buf) ? latin1 : buf.toString("utf8"));
    return ok;
  } catch {
    return SYNTAX;
  }
}

/** The full-grammar scan, for bodies too large to build: one pass, no tree, bounded depth. */
export function scanLarge(buf: Buffer, wanted: ReadonlySet<string>): ScanResult | ScanError {
  const n = buf.length;
  let i = 0;
  // the hot loops work on locals (a closure variable is a heap slot) and write `i` back once
  const skipWs = (): void => {
    let j = i;
    while (j < n && isWs(buf[j] as number)) j++;
    i = j;
  };
  /** i at the opening quote, left after the closing one; `escaped` tells whether it had escapes. */
  let escaped = false;
  const string = (): void => {
    const b = buf;
    let esc = false;
    let j = i + 1;
    for (;;) {
      const q = b.indexOf(QUOTE, j);
      if (q === -1) throw new Fail({ kind: "syntax", at: n });
      // validate the run up to the quote: control characters and escapes
      while (j < q) {
        const c = b[j] as number;
        if (c >= 0x20 && c !== BACKSLASH) {
          j++;
          continue;
        }
        if (c < 0x20) throw new Fail({ kind: "syntax", at: j });
        esc = true;
        const e = b[j + 1];
        if (e === undefined) throw new Fail({ kind: "syntax", at: j });
        if (e === 0x75) {
          for (let k = 2; k < 6; k++) {
            const h = b[j + k];
            if (h === undefined || !isHex(h)) throw new Fail({ kind: "syntax", at: j });
          }
          j += 6;
          continue;
        }
        if (
          e !== QUOTE &&
          e !== BACKSLASH &&
          e !== 0x2f &&
          e !== 0x62 &&
          e !== 0x66 &&
          e !== 0x6e &&
          e !== 0x72 &&
          e !== 0x74
        )
          throw new Fail({ kind: "syntax", at: j });
        j += 2;
      }
      if (j === q) {
        i = q + 1;
        escaped = esc;
        return;
      }
      // an escape consumed the quote at q (\"): look for the next one
    }
  };
  const literal = (word: string): void => {
    for (let k = 0; k < word.length; k++) {
      if (buf[i + k] !== word.charCodeAt(k)) throw new Fail({ kind: "syntax", at: i });
    }
    i += word.length;
  };
  const number = (): void => {
    const start = i;
    if (buf[i] === 0x2d) i++;
    if (buf[i] === 0x30) i++;
    else if (isDigit(buf[i] ?? 0) && buf[i] !== 0x30) while (isDigit(buf[i] ?? 0)) i++;
    else throw new Fail({ kind: "syntax", at: start });
    if (buf[i] === 0x2e) {
      i++;
      if (!isDigit(buf[i] ?? 0)) throw new Fail({ kind: "syntax", at: i });
      while (isDigit(buf[i] ?? 0)) i++;
    }
    if (buf[i] === 0x65 || buf[i] === 0x45) {
      i++;
      if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
      if (!isDigit(buf[i] ?? 0)) throw new Fail({ kind: "syntax", at: i });
      while (isDigit(buf[i] ?? 0)) i++;
    }
  };
  // stack[d] = 1 for an object, 2 for an array (one per scan, reused by every value)
  const stack = new Uint8Array(MAX_JSON_DEPTH + 1);
  /** Any value, iteratively: a stack of container kinds instead of recursion. */
  const value = (): void => {
    let depth = 0;
    for (;;) {
      // parse one value start
      skipWs();
      const c = buf[i];
      let container = false;
      if (c === 0x7b || c === 0x5b) {
        if (depth >= MAX_JSON_DEPTH) throw new Fail({ kind: "depth", at: i });
        stack[++depth] = c === 0x7b ? 1 : 2;
        i++;
        skipWs();
        const close = c === 0x7b ? 0x7d : 0x5d;
        if (buf[i] === close) {
          i++;
          depth--;
        } else {
          container = true;
          if (c === 0x7b) {
            if (buf[i] !== QUOTE) throw new Fail({ kind: "syntax", at: i });
            string();
            skipWs();
            if (buf[i] !== 0x3a) throw new Fail({ kind: "syntax", at: i });
            i++;
          }
        }
      } else if (c === QUOTE) string();
      else if (c === 0x74) literal("true");
      else if (c === 0x66) literal("false");
      else if (c === 0x6e) literal("null");
      else if (c === 0x2d || isDigit(c ?? 0x20)) number();
      else throw new Fail({ kind: "syntax", at: i });
      if (container) continue; // its first member's value comes next
      // after a value: close containers or move to the next member/element
      for (;;) {
        if (depth === 0) return;
        skipWs();
        const d = buf[i];
        const kind = stack[depth];
        if (d === 0x2c) {
          i++;
          if (kind === 1) {
            skipWs();
            if (buf[i] !== QUOTE) throw new Fail({ kind: "syntax", at: i });
            string();
            skipWs();
            if (buf[i] !== 0x3a) throw new Fail({ kind: "syntax", at: i });
            i++;
          }
          break;
        }
        if ((kind === 1 && d === 0x7d) || (kind === 2 && d === 0x5d)) {
          i++;
          depth--;
          continue;
        }
        throw new Fail({ kind: "syntax", at: i });
      }
    }
  };

  try {
    skipWs();
    if (buf[i] !== 0x7b) {
      // still report bad JSON as such
      value();
      skipWs();
      if (i !== n) throw new Fail({ kind: "syntax", at: i });
      return { kind: "not_object" };
    }
    const open = i;
    i++;
    const picked = new Map<string, ValueRange>();
    let members = 0;
    skipWs();
    if (buf[i] !== 0x7d) {
      for (;;) {
        skipWs();
        if (buf[i] !== QUOTE) throw new Fail({ kind: "syntax", at: i });
        const keyStart = i;
        string();
        const keyEnd = i;
        const keyEscaped = escaped;
        skipWs();
        if (buf[i] !== 0x3a) throw new Fail({ kind: "syntax", at: i });
        i++;
        skipWs();
        const vStart = i;
        value();
        const vEnd = i;
        members++;
        const name = keyName(buf, keyStart, keyEnd, keyEscaped, wanted);
        if (name !== undefined) {
          if (picked.has(name)) return { kind: "duplicate", name };
          picked.set(name, { start: vStart, end: vEnd });
        }
        skipWs();
        if (buf[i] === 0x2c) {
          i++;
          continue;
        }
        if (buf[i] === 0x7d) break;
        throw new Fail({ kind: "syntax", at: i });
      }
    }
    const close = i;
    i++;
    skipWs();
    if (i !== n) throw new Fail({ kind: "syntax", at: i });
    return { open, close, members, picked };
  } catch (err) {
    if (err instanceof Fail) return err.error;
    throw err;
  }
}

/**
 * The wanted name an unescaped member name is, compared in `text` (the body one byte per char)
 * without cutting a string out of it: a name with UTF-8 bytes never equals an ASCII wanted one.
 */
function plainKeyName(
  text: string,
  start: number,
  end: number,
  wanted: ReadonlySet<string>,
): string | undefined {
  const len = end - start - 2;
  for (const w of wanted) if (w.length === len && text.startsWith(w, start + 1)) return w;
  return undefined;
}

/** The decoded member name when it is a wanted one (escapes decoded: "mod\u0065l" is "model"). */
function keyName(
  buf: Buffer,
  start: number,
  end: number,
  escaped: boolean,
  wanted: ReadonlySet<string>,
): string | undefined {
  const len = end - start - 2;
  if (!escaped) {
    if (len > 64) return undefined;
    const s = buf.toString("latin1", start + 1, end - 1);
    return wanted.has(s) ? s : undefined;
  }
  if (len > 64 * 6) return undefined;
  const s = JSON.parse(buf.toString("utf8", start, end)) as string;
  return wanted.has(s) ? s : undefined;
}

export function isScanError(r: ScanResult | ScanError): r is ScanError {
  return "kind" in r;
}
