// The control API, for a simulator running as its own process (same features as the
// programmatic one). Never recorded, never subject to faults or the key check.
//   GET  /_sim/health    {ok:true}
//   GET  /_sim/requests  RecordedRequest[]
//   GET  /_sim/settings  {ttftMs, interTokenMs, chunks, keyCheck, armedFaults}
//   POST /_sim/reset     clears requests and faults
//   POST /_sim/fault     {fault, count?, pathPrefix?}
//   POST /_sim/latency   {ttftMs?, interTokenMs?}
//   POST /_sim/key       {key: string | string[] | null}
//   POST /_sim/chunks    {chunks}
import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";
import { readBody } from "./body.ts";
import { decodeBody } from "./recorder.ts";
import { ChunksRequestSchema, FaultRequestSchema, KeyRequestSchema, LatencySchema } from "./schemas.ts";
import type { Fault, FaultOptions, Latency, RecordedRequest } from "./types.ts";

export const CONTROL_PREFIX = "/_sim/";

export interface Controls {
  requests(): RecordedRequest[];
  settings(): {
    ttftMs: number;
    interTokenMs: number;
    chunks: number;
    keyCheck: boolean;
    armedFaults: number;
  };
  reset(): void;
  injectFault(fault: Fault, opts: FaultOptions): void;
  setLatency(l: Latency): void;
  setRequiredKey(k: string | string[] | undefined): void;
  setChunks(n: number): void;
}

type Action = (body: unknown) => { status: number; body: unknown };

function withBody<T>(schema: z.ZodType<T>, apply: (value: T) => void): Action {
  return (body) => {
    const r = schema.safeParse(body ?? {});
    if (!r.success) {
      const issue = r.error.issues[0];
      return {
        status: 400,
        body: { error: { message: `${issue?.path.join(".") || "body"}: ${issue?.message}` } },
      };
    }
    apply(r.data);
    return { status: 200, body: { ok: true } };
  };
}

function actions(c: Controls): Record<string, Action> {
  const ok =
    (fn: () => void): Action =>
    () => {
      fn();
      return { status: 200, body: { ok: true } };
    };
  return {
    "GET health": () => ({ status: 200, body: { ok: true } }),
    "GET requests": () => ({ status: 200, body: c.requests() }),
    "GET settings": () => ({ status: 200, body: c.settings() }),
    "POST reset": ok(() => c.reset()),
    "POST fault": withBody(FaultRequestSchema, ({ fault, ...opts }) => c.injectFault(fault, opts)),
    "POST latency": withBody(LatencySchema, (l) => c.setLatency(l)),
    "POST key": withBody(KeyRequestSchema, (k) => c.setRequiredKey(k)),
    "POST chunks": withBody(ChunksRequestSchema, ({ chunks }) => c.setChunks(chunks)),
  };
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  controls: Controls,
): Promise<void> {
  const action = actions(controls)[`${req.method} ${path.slice(CONTROL_PREFIX.length)}`];
  const body = decodeBody(await readBody(req));
  const out = !action
    ? { status: 404, body: { error: { message: `no control endpoint ${req.method} ${path}` } } }
    : typeof body === "string"
      ? { status: 400, body: { error: { message: "body is not JSON" } } }
      : action(body);
  const payload = JSON.stringify(out.body);
  res.writeHead(out.status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
  });
  res.end(payload);
}
