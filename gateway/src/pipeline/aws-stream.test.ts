// Event-stream frames become {"<eventType>": payload} events, across any split; a corrupt frame throws.
import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeEventStreamMessage } from "../translate/bedrock-converse.ts";
import { AwsEventStreamParser } from "./aws-stream.ts";

test("frames split anywhere come out whole, in order", () => {
  const bytes = Buffer.concat([
    encodeEventStreamMessage("messageStart", { role: "assistant" }),
    encodeEventStreamMessage("contentBlockDelta", { contentBlockIndex: 0, delta: { text: "Hi" } }),
    encodeEventStreamMessage("throttlingException", { message: "slow down" }, "exception"),
  ]);
  for (const step of [1, 7, 64, bytes.length]) {
    const p = new AwsEventStreamParser();
    const out = [];
    for (let i = 0; i < bytes.length; i += step) out.push(...p.push(bytes.subarray(i, i + step)));
    assert.deepEqual(
      out.map((e) => [e.event, JSON.parse(e.data)]),
      [
        ["messageStart", { messageStart: { role: "assistant" } }],
        ["contentBlockDelta", { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "Hi" } } }],
        ["throttlingException", { throttlingException: { message: "slow down" } }],
      ],
      `split every ${step} bytes`,
    );
    assert.equal(p.rest(), "");
  }
});

test("a corrupt frame throws", () => {
  const frame = Buffer.from(encodeEventStreamMessage("messageStart", { role: "assistant" }));
  frame[frame.length - 1] = (frame[frame.length - 1] ?? 0) ^ 0xff;
  assert.throws(() => new AwsEventStreamParser().push(frame));
});
