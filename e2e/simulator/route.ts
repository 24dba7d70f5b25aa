// A provider endpoint: method + path pattern → a pure handler producing a Reply.
import type { z } from "zod";
import { errorReply } from "./errors.ts";
import type { GcpAuthority } from "./gcp-auth.ts";
import type { JsonReply, ProviderName, Reply } from "./reply.ts";

export interface HandlerInput {
  body: unknown;
  /** The pattern's capture groups, URI-decoded. */
  params: readonly string[];
  query: Readonly<Record<string, string>>;
  headers: Readonly<Record<string, string>>;
  /** Content tokens to answer with. */
  chunks: number;
  nextId(prefix: string): string;
  /** Unix seconds. */
  now(): number;
  /** Google's token endpoint and the access tokens it issued (Vertex AI). */
  gcp: GcpAuthority;
  /** The request as received (Bedrock: method, path and raw body for the SigV4 check). */
  request: { method: string; path: string; rawQuery: string; raw: Buffer };
  /** AWS secret access keys by access key id. */
  awsKeys: ReadonlyMap<string, string>;
}

export interface Route {
  provider: ProviderName;
  method: "GET" | "POST";
  pattern: RegExp;
  /**
   * Extra condition for paths several providers share: `GET /v1/models` is Anthropic's with an
   * anthropic-version header, Gemini's with a Google key, else OpenAI's.
   */
  when?: (headers: Readonly<Record<string, string>>, query: Readonly<Record<string, string>>) => boolean;
  handle(input: HandlerInput): Reply;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reply: JsonReply };

/** Validates a request body: non-JSON → invalid_json, schema mismatch → invalid_request (first issue). */
export function parseBody<T>(provider: ProviderName, schema: z.ZodType<T>, body: unknown): Parsed<T> {
  if (typeof body === "string") return { ok: false, reply: errorReply(provider, "invalid_json") };
  const r = schema.safeParse(body ?? {});
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const where = issue && issue.path.length > 0 ? `'${issue.path.join(".")}'` : "body";
  return {
    ok: false,
    reply: errorReply(provider, "invalid_request", { detail: `${where}: ${issue?.message}` }),
  };
}
