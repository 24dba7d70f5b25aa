// Request body: read up to --max-body-bytes (400 request_too_large beyond), then parse it as JSON
// when it is a JSON request (a JSON content type, or none) — 400 invalid_json when it is not JSON.
import type { IncomingMessage } from "node:http";
import { GatewayError } from "../errors.ts";

export interface RequestBody {
  raw: Buffer;
  /** Parsed JSON, or undefined when the body is empty or not JSON by content type. */
  json: unknown;
}

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit)
    return Promise.reject(new GatewayError("request_too_large"));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(new GatewayError("request_too_large"));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

export function isJsonContentType(contentType: string | undefined): boolean {
  if (contentType === undefined || contentType.trim() === "") return true;
  const mime = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return mime === "application/json" || mime.endsWith("+json") || mime === "text/json";
}

export function parseBody(raw: Buffer, contentType: string | undefined): RequestBody | GatewayError {
  if (raw.length === 0 || !isJsonContentType(contentType)) return { raw, json: undefined };
  try {
    return { raw, json: JSON.parse(raw.toString("utf8")) };
  } catch {
    return new GatewayError("invalid_json");
  }
}

/** The body's "model" (JSON) for route model globs. */
export function bodyModel(json: unknown): string | undefined {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return undefined;
  const m = (json as Record<string, unknown>).model;
  return typeof m === "string" ? m : undefined;
}
