// Incremental Server-Sent Events parser. It keeps each event's raw text so a relay can re-emit
// events unchanged (or drop one) and parses `event:`/`data:` fields for usage extraction.
import { StringDecoder } from "node:string_decoder";

export interface SseEvent {
  /** The `event:` field, when present. */
  event: string | undefined;
  /** `data:` lines joined with "\n". */
  data: string;
  /** The event's exact text including its terminating blank line. */
  raw: string;
}

export class SseParser {
  readonly #decoder = new StringDecoder("utf8");
  #buffer = "";

  /** Feed bytes; returns the events completed by them. */
  push(chunk: Buffer | string): SseEvent[] {
    this.#buffer += typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
    const events: SseEvent[] = [];
    for (;;) {
      const end = findEventEnd(this.#buffer);
      if (end === -1) break;
      const raw = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end);
      const ev = parseEvent(raw);
      if (ev) events.push(ev);
    }
    return events;
  }

  /** Text received after the last complete event (an unterminated tail). */
  rest(): string {
    return this.#buffer + this.#decoder.end();
  }
}

/** Index just past the blank line ending the first event, or -1. Accepts \n, \r\n and \r. */
function findEventEnd(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 10 && c !== 13) continue;
    // end of a line at i; a blank line follows if the next line break comes right after it
    const next = c === 13 && s.charCodeAt(i + 1) === 10 ? i + 2 : i + 1;
    if (next >= s.length) {
      if (c === 13 && next === i + 1) return -1; // lone \r at the end: maybe \r\n split
      return -1;
    }
    const d = s.charCodeAt(next);
    if (d === 10) return next + 1;
    if (d === 13) {
      if (next + 1 >= s.length) return -1; // could be \r\n split across chunks
      return s.charCodeAt(next + 1) === 10 ? next + 2 : next + 1;
    }
  }
  return -1;
}

function parseEvent(raw: string): SseEvent | undefined {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of raw.split(/\r\n|\r|\n/)) {
    if (line === "" || line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  if (event === undefined && data.length === 0) return { event: undefined, data: "", raw };
  return { event, data: data.join("\n"), raw };
}

/** JSON of an event's data, or undefined (e.g. "[DONE]" or a comment). */
export function eventJson(ev: SseEvent): unknown {
  if (ev.data === "" || ev.data === "[DONE]") return undefined;
  try {
    return JSON.parse(ev.data);
  } catch {
    return undefined;
  }
}
