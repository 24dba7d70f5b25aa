// Writes a JSON reply after the ttft pause; the "cut" fault sends the headers and half the body,
// then closes the connection.
import type { ServerResponse } from "node:http";
import { pause } from "./flow.ts";
import type { JsonReply } from "./reply.ts";

export interface JsonRun {
  ttftMs: number;
  cutAfter: number | undefined;
  signal: AbortSignal;
  cut(): void;
}

export async function writeJson(res: ServerResponse, reply: JsonReply, run: JsonRun): Promise<void> {
  if (!(await pause(run.ttftMs, run.signal))) return;
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    ...reply.headers,
  });
  if (run.cutAfter === undefined) {
    res.end(payload);
    return;
  }
  res.write(payload.slice(0, Math.floor(payload.length / 2)));
  run.cut();
}
