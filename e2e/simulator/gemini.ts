// Gemini: POST /{apiVersion}/models/{model}:generateContent and :streamGenerateContent
// (`?alt=sse`: `data: {GenerateContentResponse}` events; without it a streamed JSON array, as
// Google does), GET /{apiVersion}/models[/{model}]. Every stream chunk carries cumulative
// usageMetadata; the last one has finishReason STOP.
import { z } from "zod";
import { answer, estimateInputTokens, textOf } from "./content.ts";
import { geminiModelGet, geminiModelList } from "./models.ts";
import type { Reply } from "./reply.ts";
import { type HandlerInput, parseBody, type Route } from "./route.ts";

const Parts = z.object({ parts: z.array(z.unknown()).optional() }).nullish();

export const GenerateRequestSchema = z.object({
  contents: z.array(z.object({ parts: z.array(z.unknown()).min(1) })).min(1),
  systemInstruction: Parts,
  system_instruction: Parts,
});

type GenerateRequest = z.infer<typeof GenerateRequestSchema>;

function promptTokens(req: GenerateRequest): number {
  const system = req.systemInstruction ?? req.system_instruction;
  return estimateInputTokens([...textOf(system?.parts), ...req.contents.flatMap((c) => textOf(c.parts))]);
}

function usageMetadata(prompt: number, candidates: number) {
  return { promptTokenCount: prompt, candidatesTokenCount: candidates, totalTokenCount: prompt + candidates };
}

function generate(req: GenerateRequest, model: string, stream: boolean, input: HandlerInput): Reply {
  const responseId = input.nextId("sim-resp-");
  const prompt = promptTokens(req);
  const a = answer(input.chunks);
  const n = a.tokens.length;
  if (!stream) {
    return {
      kind: "json",
      status: 200,
      body: {
        candidates: [
          { content: { parts: [{ text: a.text }], role: "model" }, finishReason: "STOP", index: 0 },
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
    `${open}${a.tokensJson[i]}}],"role":"model"}${i === n - 1 ? `,"finishReason":"STOP"` : ""},"index":0}],"usageMetadata":{"promptTokenCount":${prompt},"candidatesTokenCount":${i + 1},"totalTokenCount":${prompt + i + 1}}${trailer}`;
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
