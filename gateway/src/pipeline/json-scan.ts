// A linear, allocation-free JSON validator for request bodies. It checks the whole grammar (so a
// body the gateway forwards is JSON, and a bad one is 400 invalid_json before any provider sees it),
// bounds the nesting depth (no stack to overflow, no deep recursion anywhere), and records only the
// byte ranges of the top-level members a stage needs ("model", "stream", "stream_options"). No
// object tree is ever built: a 10 MB body of millions of empty objects costs one pass over its
// bytes, not hundreds of MB of heap. UTF-8 validity is checked natively (buffer.isUtf8).
import { isUtf8 } from "node:buffer";

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
  const n = buf.length;
  let i = 0;
  const skipWs = (): void => {
    while (i < n && isWs(buf[i] as number)) i++;
  };
  /** i at the opening quote, left after the closing one; `escaped` tells whether it had escapes. */
  let escaped = false;
  const string = (): void => {
    escaped = false;
    i++;
    for (;;) {
      const q = buf.indexOf(QUOTE, i);
      if (q === -1) throw new Fail({ kind: "syntax", at: n });
      // validate the run up to the quote: control characters and escapes
      while (i < q) {
        const c = buf[i] as number;
        if (c < 0x20) throw new Fail({ kind: "syntax", at: i });
        if (c === BACKSLASH) {
          escaped = true;
          const e = buf[i + 1];
          if (e === undefined) throw new Fail({ kind: "syntax", at: i });
          if (e === 0x75) {
            for (let k = 2; k < 6; k++) {
              const h = buf[i + k];
              if (h === undefined || !isHex(h)) throw new Fail({ kind: "syntax", at: i });
            }
            i += 6;
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
            throw new Fail({ kind: "syntax", at: i });
          i += 2;
          continue;
        }
        i++;
      }
      if (i === q) {
        i = q + 1;
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
