// The log of every provider request the simulator received.
import type { IncomingHttpHeaders } from "node:http";
import type { RecordedRequest } from "./types.ts";

export interface Recorder {
  /** The live list (reset empties it in place, so references stay valid). */
  readonly requests: RecordedRequest[];
  add(r: Omit<RecordedRequest, "aborted">): RecordedRequest;
  last(): RecordedRequest | undefined;
  clear(): void;
}

export const DEFAULT_MAX_RECORDED = 10_000;

/** Keeps the newest `max` requests (long benchmarks must not grow memory without bound). */
export function createRecorder(max = DEFAULT_MAX_RECORDED): Recorder {
  const requests: RecordedRequest[] = [];
  const slack = Math.max(1, Math.floor(max / 10));
  return {
    requests,
    add(r) {
      const rec: RecordedRequest = { ...r, aborted: false };
      requests.push(rec);
      if (requests.length >= max + slack) requests.splice(0, requests.length - max);
      return rec;
    },
    last: () => requests.at(-1),
    clear() {
      requests.length = 0;
    },
  };
}

export function flattenHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

/** Parsed JSON when the text is JSON, else the text; undefined for an empty body. */
export function decodeBody(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
