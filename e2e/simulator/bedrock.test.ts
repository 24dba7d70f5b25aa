// The simulated Bedrock Runtime: SigV4 is verified as AWS does (missing, unknown key, wrong
// signature, tampered body, stale date → 403), bodies are validated strictly (unknown field →
// 400 ValidationException), and Converse / ConverseStream answer with text, tool use and usage;
// the stream is AWS event-stream framing.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { sigV4Headers } from "../../gateway/src/pipeline/aws-sigv4.ts";
import { field } from "../../gateway/src/providers/json.ts";
import { EventStreamFramer } from "../../gateway/src/translate/bedrock-converse.ts";
import { type Simulator, simulatedReplyText, startSimulator } from "./index.ts";

const creds = {
  accessKeyId: "AKIASIMTEST000000001",
  secretAccessKey: "sim/secret+key/000000000000000000000000",
};
const MODEL = "anthropic.claude-3-5-sonnet-20240620-v1:0";
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex").toString("base64");

describe("simulator: Bedrock", () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ chunks: 3, awsCredentials: [creds] });
  });
  after(() => sim.close());

  async function call(
    body: unknown,
    opts: {
      stream?: boolean;
      sign?: typeof creds | undefined;
      now?: Date;
      tamper?: (raw: string) => string;
    } = {},
  ): Promise<Response> {
    const path = `/model/${encodeURIComponent(MODEL)}/${opts.stream ? "converse-stream" : "converse"}`;
    const raw = JSON.stringify(body);
    const authority = new URL(sim.url).host;
    const headers: Record<string, string> = { "content-type": "application/json" };
    const signWith = "sign" in opts ? opts.sign : creds;
    if (signWith)
      Object.assign(
        headers,
        await sigV4Headers({
          method: "POST",
          authority,
          path,
          body: Buffer.from(raw),
          contentType: "application/json",
          region: "us-west-2",
          service: "bedrock",
          credentials: signWith,
          ...(opts.now ? { now: opts.now } : {}),
        }),
      );
    return fetch(`${sim.url}${path}`, {
      method: "POST",
      headers,
      body: opts.tamper ? opts.tamper(raw) : raw,
    });
  }

  const hello = { messages: [{ role: "user", content: [{ text: "Hello" }] }] };

  it("answers a signed Converse call with text and usage", async () => {
    const r = await call({ ...hello, system: [{ text: "Be brief" }], inferenceConfig: { maxTokens: 50 } });
    assert.equal(r.status, 200);
    const body: unknown = await r.json();
    assert.equal(field(body, "output", "message", "role"), "assistant");
    assert.deepEqual(field(body, "output", "message", "content"), [{ text: simulatedReplyText(3) }]);
    assert.equal(field(body, "stopReason"), "end_turn");
    assert.equal(field(body, "usage", "outputTokens"), 3);
    assert.ok(Number(field(body, "usage", "inputTokens")) > 0);
  });

  it("refuses missing, foreign, wrong and stale signatures with 403 as AWS does", async () => {
    const cases: [string, Response, string][] = [
      ["unsigned", await call(hello, { sign: undefined }), "MissingAuthenticationTokenException"],
      [
        "unknown key",
        await call(hello, { sign: { ...creds, accessKeyId: "AKIAUNKNOWN000000000" } }),
        "UnrecognizedClientException",
      ],
      [
        "wrong secret",
        await call(hello, { sign: { ...creds, secretAccessKey: "not-the-secret" } }),
        "InvalidSignatureException",
      ],
      [
        "stale",
        await call(hello, { now: new Date(Date.now() - 20 * 60 * 1000) }),
        "InvalidSignatureException",
      ],
    ];
    for (const [what, r, type] of cases) {
      assert.equal(r.status, 403, what);
      assert.ok(
        r.headers.get("x-amzn-errortype")?.startsWith(`${type}:`),
        `${what}: ${r.headers.get("x-amzn-errortype")}`,
      );
      const body = (await r.json()) as { message?: string };
      assert.ok(typeof body.message === "string" && body.message !== "", what);
    }
    // a body changed after signing no longer matches the signature's payload hash
    const tampered = await call(hello, { tamper: (raw) => raw.replace("Hello", "Hellp") });
    assert.ok(tampered.status === 400 || tampered.status === 403, String(tampered.status));
  });

  it("validates the body strictly: unknown fields and bad blocks are 400 ValidationException", async () => {
    const bad: [string, unknown][] = [
      ["unknown top-level field", { ...hello, temperature: 0.5 }],
      ["unknown block", { messages: [{ role: "user", content: [{ texts: "x" }] }] }],
      ["assistant first", { messages: [{ role: "assistant", content: [{ text: "x" }] }] }],
      [
        "roles do not alternate",
        { messages: [hello.messages[0], { role: "user", content: [{ text: "again" }] }] },
      ],
      [
        "toolUse without toolConfig",
        {
          messages: [
            hello.messages[0],
            { role: "assistant", content: [{ toolUse: { toolUseId: "t1", name: "f", input: {} } }] },
          ],
        },
      ],
      [
        "bad image format",
        { messages: [{ role: "user", content: [{ image: { format: "bmp", source: { bytes: PNG } } }] }] },
      ],
    ];
    for (const [what, body] of bad) {
      const r = await call(body);
      assert.equal(r.status, 400, what);
      assert.ok(r.headers.get("x-amzn-errortype")?.startsWith("ValidationException:"), what);
    }
  });

  it("takes images and calls tools (JSON and streamed)", async () => {
    const image = await call({
      messages: [
        {
          role: "user",
          content: [{ text: "What is it?" }, { image: { format: "png", source: { bytes: PNG } } }],
        },
      ],
    });
    assert.equal(image.status, 200);
    const tools = {
      ...hello,
      toolConfig: {
        tools: [
          {
            toolSpec: {
              name: "get_weather",
              inputSchema: {
                json: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
              },
            },
          },
        ],
      },
    };
    const r = await call(tools);
    const body: unknown = await r.json();
    assert.equal(field(body, "stopReason"), "tool_use");
    const content = field(body, "output", "message", "content");
    const use = Array.isArray(content) ? field(content[0], "toolUse") : undefined;
    assert.equal(field(use, "name"), "get_weather");
    assert.deepEqual(field(use, "input"), { city: "sim" });

    const s = await call(tools, { stream: true });
    assert.equal(s.status, 200);
    const events = new EventStreamFramer().push(new Uint8Array(await s.arrayBuffer()));
    assert.deepEqual(
      events.map((e) => e.eventType),
      [
        "messageStart",
        "contentBlockStart",
        "contentBlockDelta",
        "contentBlockDelta",
        "contentBlockStop",
        "messageStop",
        "metadata",
      ],
    );
    const args = events
      .filter((e) => e.eventType === "contentBlockDelta")
      .map((e) => field(e.json, "delta", "toolUse", "input"))
      .join("");
    assert.deepEqual(JSON.parse(args), { city: "sim" });
  });

  it("streams text as event-stream frames ending with messageStop and metadata usage", async () => {
    const r = await call(hello, { stream: true });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "application/vnd.amazon.eventstream");
    const events = new EventStreamFramer().push(new Uint8Array(await r.arrayBuffer()));
    const text = events
      .filter((e) => e.eventType === "contentBlockDelta")
      .map((e) => field(e.json, "delta", "text"))
      .join("");
    assert.equal(text, simulatedReplyText(3));
    assert.deepEqual(events.at(-2), { eventType: "messageStop", json: { stopReason: "end_turn" } });
    const meta = events.at(-1);
    assert.equal(meta?.eventType, "metadata");
    assert.equal(field(meta?.json, "usage", "outputTokens"), 3);
  });
});
