// Stage: a backend's policies.ai applied to the request body, in the client's own format, before
// the provider adapter (and any translation) sees it:
//   modelAliases  a friendly model name in the body becomes the provider's model;
//   defaults      top-level fields the request does not set are set;
//   overrides     top-level fields are set whatever the request says;
//   prompt        messages added before/after the client's: OpenAI chat `messages`, Responses
//                 `input`, Anthropic `messages` (system text joins `system`), Gemini `contents`
//                 (system text joins `systemInstruction`). Other operations take no prompt.
// It needs the whole body, so only requests to a backend with policies.ai pay for a full parse.
import type { JsonObject } from "../providers/types.ts";
import type { ProviderConfig } from "../snapshot/schema.ts";
import type { ClientFormat, Operation } from "../translate/catalogue.ts";

type Ai = NonNullable<ProviderConfig["ai"]>;
type Message = NonNullable<Ai["prepend"]>[number];

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function systemText(list: readonly Message[]): string {
  return list
    .filter((m) => m.role === "system")
    .map((m) => m.content)
    .join("\n");
}

function turns(list: readonly Message[]): Message[] {
  return list.filter((m) => m.role !== "system");
}

function chatPrompt(body: JsonObject, pre: readonly Message[], post: readonly Message[]): void {
  if (!Array.isArray(body.messages)) return;
  const as = (m: Message) => ({ role: m.role, content: m.content });
  body.messages = [...pre.map(as), ...body.messages, ...post.map(as)];
}

function responsesPrompt(body: JsonObject, pre: readonly Message[], post: readonly Message[]): void {
  const input = typeof body.input === "string" ? [{ role: "user", content: body.input }] : body.input;
  if (!Array.isArray(input)) return;
  const as = (m: Message) => ({ role: m.role, content: m.content });
  body.input = [...pre.map(as), ...input, ...post.map(as)];
}

function joinText(before: string, existing: unknown, after: string): unknown {
  if (existing !== undefined && typeof existing !== "string") {
    // a system given as content blocks keeps its blocks
    if (!Array.isArray(existing)) return existing;
    return [
      ...(before ? [{ type: "text", text: before }] : []),
      ...existing,
      ...(after ? [{ type: "text", text: after }] : []),
    ];
  }
  return [before, existing, after].filter((s): s is string => typeof s === "string" && s !== "").join("\n");
}

function messagesPrompt(body: JsonObject, pre: readonly Message[], post: readonly Message[]): void {
  if (!Array.isArray(body.messages)) return;
  const before = systemText(pre);
  const after = systemText(post);
  if (before || after) body.system = joinText(before, body.system, after);
  const as = (m: Message) => ({ role: m.role, content: m.content });
  body.messages = [...turns(pre).map(as), ...body.messages, ...turns(post).map(as)];
}

function geminiPrompt(body: JsonObject, pre: readonly Message[], post: readonly Message[]): void {
  if (!Array.isArray(body.contents)) return;
  const before = systemText(pre);
  const after = systemText(post);
  if (before || after) {
    const key = body.system_instruction !== undefined ? "system_instruction" : "systemInstruction";
    const current =
      isObject(body[key]) && Array.isArray((body[key] as JsonObject).parts)
        ? (body[key] as JsonObject)
        : { parts: [] };
    body[key] = {
      ...current,
      parts: [
        ...(before ? [{ text: before }] : []),
        ...(current.parts as unknown[]),
        ...(after ? [{ text: after }] : []),
      ],
    };
  }
  const as = (m: Message) => ({
    role: m.role === "assistant" ? "model" : "user",
    parts: [{ text: m.content }],
  });
  body.contents = [...turns(pre).map(as), ...body.contents, ...turns(post).map(as)];
}

/** Applies `ai` to `body` (mutated); true when anything changed. */
export function applyBackendAi(
  body: JsonObject,
  ai: Ai,
  format: ClientFormat,
  operation: Operation,
): boolean {
  const before = JSON.stringify(body);
  const aliased = typeof body.model === "string" ? ai.modelAliases?.[body.model] : undefined;
  if (aliased !== undefined) body.model = aliased;
  for (const d of ai.defaults ?? []) if (body[d.field] === undefined) body[d.field] = d.value;
  for (const o of ai.overrides ?? []) body[o.field] = o.value;
  const pre = ai.prepend ?? [];
  const post = ai.append ?? [];
  if (pre.length > 0 || post.length > 0) {
    if (operation === "responses") responsesPrompt(body, pre, post);
    else if (operation === "chat" || (operation === "native" && format === "openai"))
      chatPrompt(body, pre, post);
    else if (
      operation === "messages" ||
      operation === "count_tokens" ||
      (operation === "native" && format === "anthropic")
    )
      messagesPrompt(body, pre, post);
    else if (operation === "generate" || (operation === "native" && format === "gemini"))
      geminiPrompt(body, pre, post);
  }
  return JSON.stringify(body) !== before;
}
