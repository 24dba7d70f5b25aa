// Amazon Bedrock Runtime, from its API reference (Converse, ConverseStream) and the SigV4 docs:
//   POST /model/{modelId}/converse          JSON ConverseResponse
//   POST /model/{modelId}/converse-stream   application/vnd.amazon.eventstream frames: messageStart,
//        contentBlockStart (tool use), contentBlockDelta, contentBlockStop, messageStop, metadata
// Every call must carry a valid AWS Signature Version 4 (service bedrock) made with one of the
// configured credentials, recomputed here from the request as received (method, path as sent,
// signed headers, SHA-256 of the raw body): no Authorization → 403
// MissingAuthenticationTokenException, an unknown access key → 403 UnrecognizedClientException, a
// wrong signature → 403 InvalidSignatureException, a stale x-amz-date → 403. The body is validated
// strictly: an unknown field, a bad content block, roles that do not alternate, toolUse without
// toolConfig → 400 ValidationException. Errors are {"message"} with x-amzn-ErrorType, as AWS does.
import { createHash, createHmac } from "node:crypto";
import { z } from "zod";
import { encodeEventStreamMessage } from "../../gateway/src/translate/bedrock-converse.ts";
import { answer, estimateInputTokens, textOf } from "./content.ts";
import type { JsonReply, Reply, StreamReply } from "./reply.ts";
import type { HandlerInput, Route } from "./route.ts";
import { argPieces, planCall } from "./tools.ts";

export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";
/** How far x-amz-date may be from the simulator's clock (AWS: 5 minutes). */
const MAX_SKEW_MS = 5 * 60 * 1000;

const Text = z.strictObject({ text: z.string().min(1) });
const Image = z.strictObject({
  image: z.strictObject({
    format: z.enum(["png", "jpeg", "gif", "webp"]),
    source: z.strictObject({ bytes: z.base64().min(4) }),
  }),
});
const ToolUse = z.strictObject({
  toolUse: z.strictObject({
    toolUseId: z.string().min(1).max(64),
    name: z.string().min(1).max(64),
    input: z.unknown(),
  }),
});
const ToolResult = z.strictObject({
  toolResult: z.strictObject({
    toolUseId: z.string().min(1).max(64),
    content: z.array(z.union([Text, Image, z.strictObject({ json: z.unknown() })])),
    status: z.enum(["success", "error"]).optional(),
  }),
});
const ContentBlock = z.union([Text, Image, ToolUse, ToolResult]);

export const ConverseRequestSchema = z.strictObject({
  messages: z
    .array(z.strictObject({ role: z.enum(["user", "assistant"]), content: z.array(ContentBlock).min(1) }))
    .min(1),
  system: z.array(Text).optional(),
  inferenceConfig: z
    .strictObject({
      maxTokens: z.number().int().min(1).optional(),
      temperature: z.number().min(0).max(1).optional(),
      topP: z.number().min(0).max(1).optional(),
      stopSequences: z.array(z.string().min(1)).max(4).optional(),
    })
    .optional(),
  toolConfig: z
    .strictObject({
      tools: z
        .array(
          z.strictObject({
            toolSpec: z.strictObject({
              name: z.string().regex(/^[a-zA-Z0-9_-]{1,64}$/),
              description: z.string().min(1).optional(),
              inputSchema: z.strictObject({ json: z.record(z.string(), z.unknown()) }),
            }),
          }),
        )
        .min(1),
      toolChoice: z
        .union([
          z.strictObject({ auto: z.strictObject({}) }),
          z.strictObject({ any: z.strictObject({}) }),
          z.strictObject({ tool: z.strictObject({ name: z.string().min(1) }) }),
        ])
        .optional(),
    })
    .optional(),
  guardrailConfig: z
    .strictObject({
      guardrailIdentifier: z.string().min(1).max(2048),
      guardrailVersion: z.string().regex(/^(DRAFT|[1-9][0-9]{0,7})$/),
      trace: z.enum(["enabled", "disabled", "enabled_full"]).optional(),
    })
    .optional(),
  additionalModelRequestFields: z.record(z.string(), z.unknown()).optional(),
});
export type ConverseRequest = z.infer<typeof ConverseRequestSchema>;

export function awsError(status: number, type: string, message: string): JsonReply {
  return {
    kind: "json",
    status,
    body: { message },
    headers: { "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
  };
}

/** AWS's URI encoding: everything but unreserved characters, as %XX (upper-case). */
function awsEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const sha256Hex = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string): Buffer => createHmac("sha256", key).update(data).digest();

/** x-amz-date (20261129T012345Z) as a Date, or undefined. */
function amzDate(s: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s ?? "");
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** The SigV4 check, as Bedrock's front end answers it; undefined when the signature holds. */
export function verifySigV4(input: HandlerInput, nowMs = Date.now()): JsonReply | undefined {
  const h = input.headers;
  const header = h.authorization;
  if (header === undefined)
    return awsError(403, "MissingAuthenticationTokenException", "Missing Authentication Token");
  const m = AUTH.exec(header);
  if (!m)
    return awsError(
      403,
      "IncompleteSignatureException",
      "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature'.",
    );
  const [, keyId, day, region, service, signedList, signature] = m as unknown as string[];
  const secret = input.awsKeys.get(keyId ?? "");
  if (secret === undefined)
    return awsError(
      403,
      "UnrecognizedClientException",
      "The security token included in the request is invalid.",
    );
  if (service !== "bedrock")
    return awsError(
      403,
      "InvalidSignatureException",
      `Credential should be scoped to correct service: 'bedrock'.`,
    );
  const stamp = h["x-amz-date"];
  const date = amzDate(stamp);
  if (!date || stamp?.slice(0, 8) !== day)
    return awsError(
      403,
      "IncompleteSignatureException",
      "x-amz-date is missing or does not match the credential scope.",
    );
  if (Math.abs(date.getTime() - nowMs) > MAX_SKEW_MS)
    return awsError(
      403,
      "InvalidSignatureException",
      "Signature expired: the request's x-amz-date is too far from the server time.",
    );
  const signed = (signedList ?? "").split(";");
  if (!signed.includes("host") || !signed.includes("x-amz-date"))
    return awsError(403, "InvalidSignatureException", "SignedHeaders must include host and x-amz-date.");
  const payloadHash = sha256Hex(input.request.raw);
  const claimed = h["x-amz-content-sha256"];
  if (claimed !== undefined && claimed !== payloadHash)
    return awsError(
      400,
      "ValidationException",
      "The provided x-amz-content-sha256 header does not match what was computed.",
    );
  const canonicalUri = input.request.path.split("/").map(awsEncode).join("/");
  const canonicalQuery = [...new URLSearchParams(input.request.rawQuery)]
    .map(([k, v]) => `${awsEncode(k)}=${awsEncode(v)}`)
    .sort()
    .join("&");
  const canonicalHeaders = signed.map((n) => `${n}:${(h[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
  const canonical = [
    input.request.method,
    canonicalUri,
    canonicalQuery,
    canonicalHeaders,
    signedList,
    payloadHash,
  ].join("\n");
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", stamp, scope, sha256Hex(canonical)].join("\n");
  let key = hmac(`AWS4${secret}`, day ?? "");
  for (const part of [region ?? "", service ?? "", "aws4_request"]) key = hmac(key, part);
  const expected = createHmac("sha256", key).update(toSign).digest("hex");
  if (expected !== signature)
    return awsError(
      403,
      "InvalidSignatureException",
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.",
    );
  return undefined;
}

/** Rules the schema cannot express, worded as Bedrock words them. */
function semanticProblem(req: ConverseRequest): string | undefined {
  if (req.messages[0]?.role !== "user") return "A conversation must start with a user message.";
  for (let i = 1; i < req.messages.length; i++)
    if (req.messages[i]?.role === req.messages[i - 1]?.role)
      return "A conversation must alternate between user and assistant roles.";
  const usesTools = req.messages.some((m) => m.content.some((b) => "toolUse" in b || "toolResult" in b));
  if (usesTools && !req.toolConfig)
    return "The toolConfig field must be defined when using toolUse and toolResult content blocks.";
  const forced = req.toolConfig?.toolChoice;
  if (forced && "tool" in forced && !req.toolConfig?.tools.some((t) => t.toolSpec.name === forced.tool.name))
    return `toolChoice names tool ${forced.tool.name}, which is not in toolConfig.tools.`;
  return undefined;
}

function frame(eventType: string, payload: unknown): string {
  return Buffer.from(encodeEventStreamMessage(eventType, payload)).toString("latin1");
}

function converse(input: HandlerInput): Reply {
  const denied = verifySigV4(input);
  if (denied) return denied;
  if (typeof input.body === "string" || input.body === undefined)
    return awsError(400, "SerializationException", "The request body is not valid JSON.");
  const r = ConverseRequestSchema.safeParse(input.body);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join(".") : "body";
    return awsError(400, "ValidationException", `1 validation error detected: ${where}: ${issue?.message}`);
  }
  const req = r.data;
  const problem = semanticProblem(req);
  if (problem) return awsError(400, "ValidationException", problem);
  const stream = input.params[1] === "converse-stream";
  const inputTokens = estimateInputTokens([...textOf(req.system ?? []), ...textOf(req.messages)]);
  const last = req.messages.at(-1);
  const tools = (req.toolConfig?.tools ?? []).map((t) => ({
    name: t.toolSpec.name,
    schema: t.toolSpec.inputSchema.json,
  }));
  const choice = req.toolConfig?.toolChoice;
  const call = planCall(tools, {
    endsWithToolResult: last?.content.some((b) => "toolResult" in b) === true,
    ...(choice && "tool" in choice ? { forced: choice.tool.name } : {}),
  });
  const toolUseId = call ? input.nextId("tooluse_") : "";
  const text = answer(input.chunks);
  const outputTokens = call ? estimateInputTokens([call.argsJson]) : input.chunks;
  const usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens };
  const stopReason = call ? "tool_use" : "end_turn";
  if (!stream) {
    const content = call
      ? [{ toolUse: { toolUseId, name: call.name, input: call.args } }]
      : [{ text: text.text }];
    return {
      kind: "json",
      status: 200,
      body: {
        output: { message: { role: "assistant", content } },
        stopReason,
        usage,
        metrics: { latencyMs: 1 },
      },
    };
  }
  const pieces = call ? argPieces(call.argsJson) : [];
  const reply: StreamReply = {
    kind: "stream",
    contentType: EVENT_STREAM_CONTENT_TYPE,
    binary: true,
    head:
      frame("messageStart", { role: "assistant" }) +
      (call
        ? frame("contentBlockStart", {
            contentBlockIndex: 0,
            start: { toolUse: { toolUseId, name: call.name } },
          })
        : ""),
    count: call ? pieces.length : text.tokens.length,
    chunk: (i) =>
      frame(
        "contentBlockDelta",
        call
          ? { contentBlockIndex: 0, delta: { toolUse: { input: pieces[i] ?? "" } } }
          : { contentBlockIndex: 0, delta: { text: text.tokens[i] ?? "" } },
      ),
    tail:
      frame("contentBlockStop", { contentBlockIndex: 0 }) +
      frame("messageStop", { stopReason }) +
      frame("metadata", { usage, metrics: { latencyMs: 1 } }),
  };
  return reply;
}

export const bedrockRoutes: Route[] = [
  {
    provider: "bedrock",
    method: "POST",
    pattern: /^\/model\/([^/]+)\/(converse|converse-stream)$/,
    handle: converse,
  },
];
