// Server-sent events: the line formats, and the writer that plays a StreamReply with latency,
// backpressure and the "cut" fault. Chunk strings are spliced from small precomputed pieces. With
// interTokenMs 0 (the benchmark case) there are no timers and chunks are gathered into a few
// large writes; otherwise each chunk is its own write, sent as soon as it is due.
import type { ServerResponse } from "node:http";
import { pause, write } from "./flow.ts";
import type { StreamReply } from "./reply.ts";

export const SSE_CONTENT_TYPE = "text/event-stream; charset=utf-8";

export function sseData(json: string): string {
  return `data: ${json}\n\n`;
}

export function sseEvent(event: string, json: string): string {
  return `event: ${event}\ndata: ${json}\n\n`;
}

export interface StreamRun {
  res: ServerResponse;
  reply: StreamReply;
  ttftMs: number;
  interTokenMs: number;
  /** Destroy the connection after this many content chunks (the "cut" fault). */
  cutAfter: number | undefined;
  signal: AbortSignal;
  /** Closes the connection on the server's initiative once what was written is flushed. */
  cut(): void;
}

/** Plays the stream; resolves when it ended, was cut, or the client went away. */
export async function writeStream(run: StreamRun): Promise<void> {
  if (!(await pause(run.ttftMs, run.signal))) return;
  run.res.writeHead(200, {
    "content-type": run.reply.contentType,
    "cache-control": "no-cache",
    "x-accel-buffering": "no",
  });
  if (run.interTokenMs === 0 && run.cutAfter === undefined) return burst(run);
  return paced(run);
}

/** Bytes gathered per write when chunks need no pacing. */
const BURST_BYTES = 16 * 1024;

/** No delay, no cut: chunks go out as fast as the socket takes them, in a few large writes. */
async function burst({ res, reply, signal }: StreamRun): Promise<void> {
  let pending = reply.head;
  for (let i = 0; i < reply.count; i++) {
    pending += reply.chunk(i);
    if (pending.length >= BURST_BYTES) {
      if (!(await write(res, bytes(reply, pending), signal))) return;
      pending = "";
    }
  }
  res.end(bytes(reply, pending + reply.tail));
}

/** A chunk as written: binary replies carry bytes in latin1 strings. */
function bytes(reply: StreamReply, s: string): string | Buffer {
  return reply.binary ? Buffer.from(s, "latin1") : s;
}

/** One write per chunk, interTokenMs apart, honouring the cut fault. */
async function paced(run: StreamRun): Promise<void> {
  const { res, reply, signal } = run;
  if (run.cutAfter === 0) return cutAfterFlush(run, reply.head);
  if (reply.head !== "" && !(await write(res, bytes(reply, reply.head), signal))) return;
  for (let i = 0; i < reply.count; i++) {
    if (i > 0 && !(await pause(run.interTokenMs, signal))) return;
    const chunk = reply.chunk(i);
    if (run.cutAfter === i + 1) return cutAfterFlush(run, chunk);
    if (!(await write(res, bytes(reply, chunk), signal))) return;
  }
  if (run.cutAfter !== undefined) return cutAfterFlush(run, "");
  res.end(bytes(reply, reply.tail));
}

function cutAfterFlush(run: StreamRun, last: string): void {
  if (run.signal.aborted) return;
  if (last !== "") run.res.write(bytes(run.reply, last));
  else if (!run.res.headersSent) run.res.flushHeaders();
  run.cut();
}
