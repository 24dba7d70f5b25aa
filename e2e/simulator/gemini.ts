// Gemini: POST /{apiVersion}/models/{model}:generateContent and :streamGenerateContent
// (`?alt=sse`: `data: {GenerateContentResponse}` events; without it a streamed JSON array, as
// Google does), GET /{apiVersion}/models[/{model}]. Every stream chunk carries cumulative
// usageMetadata; the last one has finishReason STOP.
import { z } from "zod";
import { estimateInputTokens, limitedAnswer, textOf } from "./content.ts";
import { geminiModelGet, geminiModelList } from "./models.ts";
import type { Reply } from "./reply.ts";
import { type HandlerInput, parseBody, type Route } from "./route.ts";
import { type PlannedCall, planCall } from "./tools.ts";

// As strict as the Gemini API: an unknown field anywhere we model (an OpenAI-shaped body with
// "messages" or "model", say) is 400 INVALID_ARGUMENT ("Unknown name ... Cannot find field").
const Part = z
  .object({
    text: z.string().optional(),
    inlineData: z
      .object({ mimeType: z.string().min(1), data: z.string().min(1) })
      .strict()
      .optional(),
    fileData: z.object({ mimeType: z.string().optional(), fileUri: z.string() }).strict().optional(),
    functionCall: z
      .object({
        name: z.string().min(1),
        args: z.record(z.string(), z.unknown()).optional(),
        id: z.string().optional(),
      })
      .strict()
      .optional(),
    functionResponse: z
      .object({
        name: z.string().min(1),
        response: z.record(z.string(), z.unknown()),
        id: z.string().optional(),
      })
      .strict()
      .optional(),
    thought: z.boolean().optional(),
    thoughtSignature: z.string().optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).filter((k) => k !== "thought" && k !== "thoughtSignature").length === 1, {
    message: "a part must hold exactly one kind of data",
  });
export const GeminiContent = z
  .object({ role: z.enum(["user", "model"]).optional(), parts: z.array(Part).min(1) })
  .strict();
const Parts = z
  .object({ role: z.string().optional(), parts: z.array(Part).optional() })
  .strict()
  .nullish();
const GenerationConfig = z
  .object({
    maxOutputTokens: z.number().int().positive().optional(),
    temperature: z.number().min(0).max(2).optional(),
    topP: z.number().optional(),
    topK: z.number().int().optional(),
    stopSequences: z.array(z.string()).max(5).optional(),
    candidateCount: z.number().int().optional(),
    responseMimeType: z.enum(["text/plain", "application/json", "text/x.enum"]).optional(),
    responseSchema: z.unknown().optional(),
    responseJsonSchema: z.unknown().optional(),
    seed: z.number().int().optional(),
    presencePenalty: z.number().optional(),
    frequencyPenalty: z.number().optional(),
    thinkingConfig: z.unknown().optional(),
  })
  .strict();
const FunctionDeclaration = z
  .object({
    name: z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_.-]{0,63}$/),
    description: z.string().optional(),
    parameters: z.unknown().optional(),
    parametersJsonSchema: z.unknown().optional(),
  })
  .strict();
const Tool = z
  .object({
    functionDeclarations: z.array(FunctionDeclaration).optional(),
    googleSearch: z.unknown().optional(),
    codeExecution: z.unknown().optional(),
  })
  .strict();
const ToolConfig = z
  .object({
    functionCallingConfig: z
      .object({
        mode: z.enum(["AUTO", "ANY", "NONE", "VALIDATED"]).optional(),
        allowedFunctionNames: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const GenerateRequestSchema = z
  .object({
    contents: z.array(GeminiContent).min(1),
    systemInstruction: Parts,
    system_instruction: Parts,
    generationConfig: GenerationConfig.optional(),
    tools: z.array(Tool).optional(),
    toolConfig: ToolConfig.optional(),
    safetySettings: z.array(z.unknown()).optional(),
    cachedContent: z.string().optional(),
  })
  .strict();

export type GenerateRequest = z.infer<typeof GenerateRequestSchema>;

export function promptTokens(req: GenerateRequest): number {
  const system = req.systemInstruction ?? req.system_instruction;
  return estimateInputTokens([...textOf(system?.parts), ...req.contents.flatMap((c) => textOf(c.parts))]);
}

function usageMetadata(prompt: number, candidates: number) {
  return { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates };
}

/** The generateContent answer (JSON, SSE or JSON array) to a validated request; Vertex AI reuses it. */
export function generate(req: GenerateRequest, model: string, stream: boolean, input: HandlerInput): Reply {
  const responseId = input.nextId("sim-resp-");
  const prompt = promptTokens(req);
  const call = toolCall(req);
  if (call) return functionCall(call, model, stream, input.query.alt === "sse", responseId, prompt);
  const a = limitedAnswer(input.chunks, req.generationConfig?.maxOutputTokens);
  const n = a.tokens.length;
  const finish = a.truncated ? "MAX_TOKENS" : "STOP";
  if (!stream) {
    return {
      kind: "json",
      status: 200,
      body: {
        candidates: [
          { content: { parts: [{ text: a.text }], role: "model" }, finishReason: finish, index: 0 },
        ],
        usageMetadata: {
          ...usageMetadata(prompt, n),
          promptTokensDetails: [{ modality: "TEXT", tokenCount: prompt }],
        },
        modelVersion: model,
        responseId,
      },
    };
  }
  const sse = input.query.alt === "sse";
  const open = `{"candidates":[{"content":{"parts":[{"text":`;
  const trailer = `,"modelVersion":${JSON.stringify(model)},"responseId":${JSON.stringify(responseId)}}`;
  const body = (i: number) =>
    `${open}${a.tokensJson[i]}}],"role":"model"}${i === n - 1 ? `,"finishReason":"${finish}"` : ""},"index":0}],"usageMetadata":{"promptTokenCount":${prompt},"candidatesTokenCount":${i + 1},"totalTokenCount":${prompt + i + 1}}${trailer}`;
  return sse
    ? {
        kind: "stream",
        contentType: "text/event-stream",
        head: "",
        count: n,
        chunk: (i) => `data: ${body(i)}\r\n\r\n`,
        tail: "",
      }
    : {
        kind: "stream",
        contentType: "application/json; charset=UTF-8",
        head: "[",
        count: n,
        chunk: (i) => (i === 0 ? body(i) : `,\r\n${body(i)}`),
        tail: "]",
      };
}

function toolCall(req: GenerateRequest): PlannedCall | undefined {
  const decls = (req.tools ?? []).flatMap((t) => t.functionDeclarations ?? []);
  const last = req.contents.at(-1);
  const cfg = req.toolConfig?.functionCallingConfig;
  return planCall(
    decls.map((d) => ({ name: d.name, schema: d.parametersJsonSchema ?? d.parameters })),
    {
      endsWithToolResult: last?.parts.some((p) => p.functionResponse !== undefined) ?? false,
      none: cfg?.mode === "NONE",
      ...(cfg?.allowedFunctionNames?.[0] ? { forced: cfg.allowedFunctionNames[0] } : {}),
    },
  );
}

/** A functionCall answer (Gemini sends a call whole, in one chunk when streaming). */
function functionCall(
  call: PlannedCall,
  model: string,
  stream: boolean,
  sse: boolean,
  responseId: string,
  prompt: number,
): Reply {
  const body = {
    candidates: [
      {
        content: { parts: [{ functionCall: { name: call.name, args: call.args } }], role: "model" },
        finishReason: "STOP",
        index: 0,
      },
    ],
    usageMetadata: usageMetadata(prompt, 3),
    modelVersion: model,
    responseId,
  };
  if (!stream) return { kind: "json", status: 200, body };
  const text = JSON.stringify(body);
  return sse
    ? {
        kind: "stream",
        contentType: "text/event-stream",
        head: "",
        count: 1,
        chunk: () => `data: ${text}\r\n\r\n`,
        tail: "",
      }
    : {
        kind: "stream",
        contentType: "application/json; charset=UTF-8",
        head: "[",
        count: 1,
        chunk: () => text,
        tail: "]",
      };
}

/** `/v1beta/models` is Gemini's; plain `/v1/models` (OpenAI's too) only when a Google key is presented. */
function geminiGet(
  headers: Readonly<Record<string, string>>,
  query: Readonly<Record<string, string>>,
): boolean {
  return query.key !== undefined || headers["x-goog-api-key"] !== undefined;
}

const PREVIEW = String.raw`v\d+(?:alpha|beta)\w*`;

function listRoutes(version: string, when?: Route["when"]): Route[] {
  return [
    {
      provider: "gemini",
      method: "GET",
      pattern: new RegExp(`^/${version}/models$`),
      when,
      handle: geminiModelList,
    },
    {
      provider: "gemini",
      method: "GET",
      pattern: new RegExp(`^/${version}/models/([^/:]+)$`),
      when,
      handle: (input) => geminiModelGet(input.params[0] ?? ""),
    },
  ];
}

export const geminiRoutes: Route[] = [
  {
    provider: "gemini",
    method: "POST",
    pattern: /^\/(v\d+\w*)\/models\/([^/:]+):(generateContent|streamGenerateContent)$/,
    handle(input) {
      const p = parseBody("gemini", GenerateRequestSchema, input.body);
      if (!p.ok) return p.reply;
      return generate(p.value, input.params[1] ?? "", input.params[2] === "streamGenerateContent", input);
    },
  },
  ...listRoutes(PREVIEW),
  ...listRoutes(String.raw`v\d+`, geminiGet),
];
