// What a provider handler answers: plain data, so handlers are pure functions of the request and
// the server alone applies latency, faults and backpressure when writing it.

export type ProviderName = "openai" | "azure" | "anthropic" | "gemini" | "vertex" | "bedrock";

export interface JsonReply {
  kind: "json";
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * A stream: `head` goes out with the first content chunk (after ttft), then `count` chunks
 * (interTokenMs apart), then `tail` (finish, usage, end marker) right after the last chunk.
 */
export interface StreamReply {
  kind: "stream";
  contentType: string;
  head: string;
  count: number;
  chunk(i: number): string;
  tail: string;
  /** The strings are bytes (latin1), e.g. AWS event-stream frames: written as such. */
  binary?: true;
}

export type Reply = JsonReply | StreamReply;

export function json(body: unknown, status = 200): JsonReply {
  return { kind: "json", status, body };
}
