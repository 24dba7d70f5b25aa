// A whole SSE text -> its events (tests and tools; the relay parses incrementally in providers/sse.ts).
import { SseParser } from "../providers/sse.ts";

export function parseSseText(text: string): { event: string | undefined; data: string }[] {
  return new SseParser().push(text).map((e) => ({ event: e.event, data: e.data }));
}
