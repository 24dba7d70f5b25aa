// NDJSON framing for the snapshot stream: bytes in, complete lines out. A line longer than the
// limit is a protocol error (the caller reconnects) rather than unbounded memory.
import { StringDecoder } from "node:string_decoder";

export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export class LineTooLongError extends Error {
  override name = "LineTooLongError";
}

export class LineSplitter {
  readonly #decoder = new StringDecoder("utf8");
  readonly #max: number;
  #buffer = "";

  constructor(maxLineChars = MAX_LINE_BYTES) {
    this.#max = maxLineChars;
  }

  push(chunk: Buffer | string): string[] {
    const scanFrom = this.#buffer.length;
    this.#buffer += typeof chunk === "string" ? chunk : this.#decoder.write(chunk);
    const lines: string[] = [];
    // only the new text can hold the first newline: earlier text was scanned already
    let nl = this.#buffer.indexOf("\n", scanFrom);
    while (nl !== -1) {
      const line = this.#buffer.slice(0, nl).replace(/\r$/, "");
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line.trim() !== "") lines.push(line);
      nl = this.#buffer.indexOf("\n");
    }
    if (this.#buffer.length > this.#max)
      throw new LineTooLongError(`stream line longer than ${this.#max} characters`);
    return lines;
  }
}
