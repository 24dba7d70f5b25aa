// The simulator validates bodies as strictly as the real providers (so a wrong translation cannot
// pass a test) and answers tool definitions with deterministic tool calls in each provider's format.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Simulator, startSimulator } from "./index.ts";
import { parseSse, postJson } from "./testing.ts";

const ANTHROPIC = { "anthropic-version": "2023-06-01" };
const TOOL_SCHEMA = {
  type: "object",
  properties: { city: { type: "string" }, days: { type: "integer" } },
  required: ["city", "days"],
};

describe("simulator: strict request validation and tool calls", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ chunks: 3 });
  });
  after(() => sim.close());

  const status = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await postJson(`${sim.url}${path}`, body, headers);
    const json = (await res.json()) as unknown;
    return { status: res.status, json };
  };

  it("Anthropic: unknown top-level fields, a missing max_tokens and OpenAI-shaped content are 400", async () => {
    const ok = { model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] };
    assert.equal((await status("/v1/messages", ok, ANTHROPIC)).status, 200);
    const { max_tokens: _, ...noMax } = ok;
    assert.equal((await status("/v1/messages", noMax, ANTHROPIC)).status, 400);
    const unknown = await status(
      "/v1/messages",
      { ...ok, response_format: { type: "json_object" } },
      ANTHROPIC,
    );
    assert.equal(unknown.status, 400);
    assert.deepEqual((unknown.json as { type: string }).type, "error");
    const systemRole = { ...ok, messages: [{ role: "system", content: "x" }, ...ok.messages] };
    assert.equal((await status("/v1/messages", systemRole, ANTHROPIC)).status, 400);
    const imageUrl = {
      ...ok,
      messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }],
    };
    assert.equal((await status("/v1/messages", imageUrl, ANTHROPIC)).status, 400);
  });

  it("Gemini: an OpenAI-shaped body, unknown generationConfig fields and parts with two kinds of data are 400", async () => {
    const path = "/v1beta/models/gemini-2.0-flash:generateContent";
    const ok = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };
    assert.equal((await status(path, ok)).status, 200);
    const openaiShaped = await status(path, { model: "g", messages: [{ role: "user", content: "hi" }] });
    assert.equal(openaiShaped.status, 400);
    assert.equal((openaiShaped.json as { error: { status: string } }).error.status, "INVALID_ARGUMENT");
    assert.equal((await status(path, { ...ok, generationConfig: { max_tokens: 5 } })).status, 400);
    assert.equal(
      (
        await status(path, {
          contents: [
            { role: "user", parts: [{ text: "a", inlineData: { mimeType: "image/png", data: "AA" } }] },
          ],
        })
      ).status,
      400,
    );
    assert.equal(
      (await status(path, { contents: [{ role: "assistant", parts: [{ text: "a" }] }] })).status,
      400,
    );
  });

  it("OpenAI chat: unrecognized arguments and malformed tool messages are 400", async () => {
    const ok = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
    assert.equal((await status("/v1/chat/completions", ok)).status, 200);
    assert.equal((await status("/v1/chat/completions", { ...ok, top_k: 3 })).status, 400);
    assert.equal((await status("/v1/chat/completions", { ...ok, system: "x" })).status, 400);
    assert.equal(
      (await status("/v1/chat/completions", { ...ok, messages: [{ role: "tool", content: "x" }] })).status,
      400,
    );
  });

  it("tool calls in each format, arguments from the schema's required properties; a tool result gets text", async () => {
    const a = await status(
      "/v1/messages",
      {
        model: "c",
        max_tokens: 10,
        tools: [{ name: "weather", input_schema: TOOL_SCHEMA }],
        messages: [{ role: "user", content: "hi" }],
      },
      ANTHROPIC,
    );
    const am = a.json as { stop_reason: string; content: { type: string; name: string; input: unknown }[] };
    assert.equal(am.stop_reason, "tool_use");
    assert.deepEqual(am.content[0], {
      ...am.content[0],
      type: "tool_use",
      name: "weather",
      input: { city: "sim", days: 1 },
    });

    const o = await status("/v1/chat/completions", {
      model: "g",
      tools: [{ type: "function", function: { name: "weather", parameters: TOOL_SCHEMA } }],
      messages: [{ role: "user", content: "hi" }],
    });
    const oc = (
      o.json as {
        choices: {
          finish_reason: string;
          message: { tool_calls: { function: { name: string; arguments: string } }[] };
        }[];
      }
    ).choices[0];
    assert.equal(oc?.finish_reason, "tool_calls");
    assert.equal(oc?.message.tool_calls[0]?.function.arguments, '{"city":"sim","days":1}');

    const g = await status("/v1beta/models/gemini-2.0-flash:generateContent", {
      contents: [{ role: "user", parts: [{ text: "hi" }] }],
      tools: [{ functionDeclarations: [{ name: "weather", parametersJsonSchema: TOOL_SCHEMA }] }],
    });
    const gp = (g.json as { candidates: { content: { parts: unknown[] } }[] }).candidates[0]?.content
      .parts[0];
    assert.deepEqual(gp, { functionCall: { name: "weather", args: { city: "sim", days: 1 } } });

    const after = await status("/v1/chat/completions", {
      model: "g",
      tools: [{ type: "function", function: { name: "weather", parameters: TOOL_SCHEMA } }],
      messages: [
        { role: "user", content: "hi" },
        {
          role: "assistant",
          content: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "weather", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "sunny" },
      ],
    });
    assert.equal((after.json as { choices: { finish_reason: string }[] }).choices[0]?.finish_reason, "stop");
  });

  it("streamed Anthropic tool_use: input_json_delta fragments that join to the arguments", async () => {
    const res = await postJson(
      `${sim.url}/v1/messages`,
      {
        model: "c",
        max_tokens: 10,
        stream: true,
        tools: [{ name: "weather", input_schema: TOOL_SCHEMA }],
        messages: [{ role: "user", content: "hi" }],
      },
      ANTHROPIC,
    );
    const events = parseSse(await res.text());
    const parts = events
      .filter((e) => e.event === "content_block_delta")
      .map((e) => (JSON.parse(e.data) as { delta: { partial_json: string } }).delta.partial_json);
    assert.ok(parts.length >= 2);
    assert.deepEqual(JSON.parse(parts.join("")), { city: "sim", days: 1 });
  });
});
