// Request body: read up to --max-body-bytes (413 request_too_large beyond) within the process-wide
// body budget (503 body_budget_exceeded), then validate it as JSON without building it (json-scan.ts):
// only the top-level members a stage reads ("model", "stream", "stream_options") are parsed. Every
// provider endpoint is a JSON endpoint: a body with another content type is refused 415, so a
// backend's model pin can never be bypassed with text/plain, a form or multipart.
import type { IncomingMessage } from "node:http";
import { GatewayError } from "../errors.ts";
import type { JsonObject } from "../providers/types.ts";
import type { BodyBudget } from "./body-budget.ts";
import { isScanError, type ScanResult, scanJson } from "./json-scan.ts";

/** The top-level members any stage reads. */
export const PICKED_MEMBERS: ReadonlySet<string> = new Set(["model", "stream", "stream_options"]);
/** A picked member larger than this is refused (a model name or stream_options is tiny). */
const MAX_PICKED_BYTES = 64 * 1024;

export interface RequestBody {
  /** The client's bytes, kept as they are: forwarded unchanged unless an adapter changes a member. */
  raw: Buffer;
  /** The picked top-level members, parsed; undefined when the body is empty. */
  fields: JsonObject | undefined;
  scan: ScanResult | undefined;
}

/**
 * Read the whole body. With a budget, the bytes stay reserved after this resolves: the caller
 * gives back `reserved` when the exchange ends (the Buffer lives until then).
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  budget?: BodyBudget,
): Promise<{ raw: Buffer; reserved: number }> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(new GatewayError("request_too_large"));
  // the declared length is reserved up front; a chunked body reserves as it arrives
  let reserved = 0;
  if (budget && Number.isFinite(declared) && declared > 0) {
    if (!budget.take(declared)) return Promise.reject(new GatewayError("body_budget_exceeded"));
    reserved = declared;
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error): void => {
      cleanup();
      budget?.give(reserved);
      reject(err);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        fail(new GatewayError("request_too_large"));
        return;
      }
      if (budget && size > reserved) {
        if (!budget.take(size - reserved)) {
          fail(new GatewayError("body_budget_exceeded"));
          return;
        }
        reserved = size;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      const raw = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
      resolve({ raw, reserved });
    };
    const onError = (err: Error): void => fail(err);
    const onClose = (): void => fail(new GatewayError("client_disconnected"));
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      req.off("close", onClose);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    req.on("close", onClose);
  });
}

export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === "") return true;
  const mime = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return mime === "application/json" || mime.endsWith("+json") || mime === "text/json";
}

export function parseBody(raw: Buffer, contentType: string | undefined): RequestBody | GatewayError {
  if (raw.length === 0) return { raw, fields: undefined, scan: undefined };
  if (!isJsonContentType(contentType)) return new GatewayError("unsupported_media_type");
  const scan = scanJson(raw, PICKED_MEMBERS);
  if (isScanError(scan)) {
    switch (scan.kind) {
      case "syntax":
        return new GatewayError("invalid_json");
      case "depth":
        return new GatewayError("json_too_deep");
      case "not_object":
        return new GatewayError("invalid_request", { message: "Request body must be a JSON object" });
      case "duplicate":
        return new GatewayError("invalid_request", {
          message: `Request body has the member "${scan.name}" more than once`,
        });
    }
  }
  const fields: JsonObject = {};
  for (const [name, r] of scan.picked) {
    if (r.end - r.start > MAX_PICKED_BYTES)
      return new GatewayError("invalid_request", { message: `Request member "${name}" is too large` });
    fields[name] = JSON.parse(raw.toString("utf8", r.start, r.end));
  }
  return { raw, fields, scan };
}

/** The body's "model" for route model globs. */
export function bodyModel(body: RequestBody | undefined): string | undefined {
  const m = body?.fields?.model;
  return typeof m === "string" ? m : undefined;
}

/**
 * The bytes to send when an adapter changed picked members: the client's buffer with only those
 * values replaced (or new members inserted after the opening brace). Unchanged values keep the
 * client's bytes; nothing else is re-serialized.
 */
export function rewriteBody(body: RequestBody, changed: JsonObject): Buffer {
  const { raw, scan, fields } = body;
  if (!scan || !fields) return Buffer.from(JSON.stringify(changed));
  const edits: { start: number; end: number; text: string }[] = [];
  let inserted = "";
  for (const [name, value] of Object.entries(changed)) {
    if (value === undefined) continue;
    const text = JSON.stringify(value);
    const range = scan.picked.get(name);
    if (range) {
      if (JSON.stringify(fields[name]) !== text) edits.push({ start: range.start, end: range.end, text });
    } else {
      inserted += `${JSON.stringify(name)}:${text},`;
    }
  }
  if (inserted !== "") {
    if (scan.members === 0) inserted = inserted.slice(0, -1);
    edits.push({ start: scan.open + 1, end: scan.open + 1, text: inserted });
  }
  if (edits.length === 0) return raw;
  edits.sort((a, b) => a.start - b.start);
  const parts: Buffer[] = [];
  let at = 0;
  for (const e of edits) {
    parts.push(raw.subarray(at, e.start), Buffer.from(e.text));
    at = e.end;
  }
  parts.push(raw.subarray(at));
  return Buffer.concat(parts);
}

/**
 * Every member of the body, parsed: only for translation between API formats, which rewrites the
 * whole document. The scan has already bounded its size and depth, so the parse is bounded too.
 */
export function parseWholeBody(body: RequestBody): unknown {
  return body.raw.length === 0 ? undefined : JSON.parse(body.raw.toString("utf8"));
}
