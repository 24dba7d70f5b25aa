// The neutral form every translation goes through: client format -> NeutralRequest -> provider
// format, and provider answer -> NeutralResponse / NeutralEvent stream -> client format. It holds
// what the supported APIs have in common; a field one side cannot express is refused by name
// (TranslationError), never dropped silently.
export type JsonObject = Record<string, unknown>;

export type Part =
  | { type: "text"; text: string }
  /** Base64 data with its media type, or a URL. */
  | { type: "image"; mediaType?: string; data?: string; url?: string };

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments (OpenAI keeps them as text; others as objects). */
  arguments: string;
}

export type Message =
  | { role: "user"; content: Part[] }
  | { role: "assistant"; content: Part[]; toolCalls: ToolCall[] }
  | { role: "tool"; toolCallId: string; content: Part[]; isError?: boolean };

export interface ToolDef {
  name: string;
  description?: string;
  parameters: JsonObject;
}

export type ToolChoice =
  | { type: "auto" }
  | { type: "none" }
  | { type: "required" }
  | { type: "tool"; name: string };

export type ResponseFormat =
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; schema: JsonObject; strict?: boolean };

export interface NeutralRequest {
  model: string | undefined;
  system: string[];
  messages: Message[];
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  stop?: string[];
  stream: boolean;
  /** OpenAI stream_options.include_usage (an OpenAI client asking for the usage chunk). */
  streamUsage?: boolean;
  tools: ToolDef[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  responseFormat?: ResponseFormat;
  user?: string;
  /** The route says: drop fields the target cannot express instead of refusing the request. */
  dropUnsupported?: boolean;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "stop_sequence";

export interface NeutralUsage {
  /** All prompt tokens, cached ones included. */
  input?: number;
  output?: number;
  /** Prompt tokens read from the provider's cache. */
  cachedInput?: number;
  /** Prompt tokens written to the cache (Anthropic). */
  cacheCreation?: number;
  /** Output tokens spent on reasoning (included in output). */
  reasoning?: number;
}

export interface NeutralResponse {
  id: string;
  model: string;
  text: string;
  toolCalls: ToolCall[];
  finish: FinishReason;
  stopSequence?: string;
  usage: NeutralUsage;
}

export type NeutralEvent =
  | { type: "start"; id: string; model: string }
  | { type: "text"; text: string }
  /** A tool call starts; `index` identifies it among this answer's tool calls (0, 1, ...). */
  | { type: "tool_start"; index: number; id: string; name: string }
  | { type: "tool_args"; index: number; delta: string }
  | { type: "finish"; reason: FinishReason; stopSequence?: string }
  /** Cumulative usage so far (later events win field by field). */
  | { type: "usage"; usage: NeutralUsage }
  | { type: "error"; message: string; errorType: string }
  | { type: "end" };

const SHOWABLE = /^[A-Za-z0-9_.[\]-]{1,64}$/;

/** A client-supplied name as it may appear in an error body: short identifiers only. */
function shown(s: string): string {
  return SHOWABLE.test(s) ? s : "(unnamed)";
}

/**
 * A request field the target API cannot express: 400 in the client's format, naming the field.
 * Names and values quoted in the message come from the client's body: only short identifiers are
 * shown (the pipeline also scrubs anything key-like).
 */
export class TranslationError extends Error {
  readonly field: string;
  constructor(field: string, why: string) {
    const f = shown(field);
    super(`'${f}' ${why.replace(/'([^']*)'/g, (_m, v: string) => `'${shown(v)}'`)}`);
    this.name = "TranslationError";
    this.field = f;
  }
}

/** A field the target cannot express: refused, unless the route drops such fields. */
export function unsupported(req: { dropUnsupported?: boolean }, field: string, why: string): void {
  if (!req.dropUnsupported) throw new TranslationError(field, why);
}

export function mergeUsage(into: NeutralUsage, from: NeutralUsage): void {
  for (const k of ["input", "output", "cachedInput", "cacheCreation", "reasoning"] as const) {
    const v = from[k];
    if (v !== undefined) into[k] = v;
  }
}
