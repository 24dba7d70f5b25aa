// AWS event-stream answers (application/vnd.amazon.eventstream, Bedrock ConverseStream) seen as
// SSE events by the relay: each frame (length-prefixed, CRC-checked) becomes one event whose data is
// {"<:event-type or :exception-type>": payload}, the shape the Bedrock adapter and translator read.
// A corrupt frame throws: the relay ends the client's stream as interrupted.
import type { SseEvent } from "../providers/sse.ts";
import { EventStreamFramer } from "../translate/bedrock-converse.ts";

export const AWS_EVENT_STREAM = "application/vnd.amazon.eventstream";

export class AwsEventStreamParser {
  readonly #framer = new EventStreamFramer();

  push(chunk: Buffer | string): SseEvent[] {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    return this.#framer.push(bytes).map((m) => {
      const data = JSON.stringify({ [m.eventType]: m.json ?? {} });
      return { event: m.eventType, data, raw: "" };
    });
  }

  /** Never re-emitted: an event-stream answer is always translated. */
  rest(): string {
    return "";
  }
}
