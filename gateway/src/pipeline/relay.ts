// Relay a successful upstream answer to the client. Streams (text/event-stream) go through
// unbuffered: bytes are written as they arrive and usage is parsed on the side; only when the
// gateway asked for stream usage itself are events re-emitted one by one, minus the usage-only
// chunk. JSON answers are passed through while a bounded copy is kept to read usage at the end.
// An upstream that dies mid-answer ends the client response with an error (never a clean finish).
import type { IncomingMessage } from "node:http";
import { type ErrorCode, GatewayError } from "../errors.ts";
import { eventOutputTokens } from "../policy/stream-meter.ts";
import { eventJson, SseParser } from "../providers/sse.ts";
import type { StreamState } from "../providers/types.ts";
import type { Exchange } from "./exchange.ts";
import { forwardableResponseHeaders } from "./headers.ts";

const MAX_USAGE_COPY = 8 * 1024 * 1024;

export function isEventStream(upstream: IncomingMessage): boolean {
  const ct = upstream.headers["content-type"];
  return typeof ct === "string" && ct.toLowerCase().startsWith("text/event-stream");
}

/**
 * Relay `upstream` into ex.res. `interrupted()` names why the upstream stopped early (a timeout or
 * kill that the pipeline caused, else upstream_interrupted). `settled` runs once, at the end.
 */
export function relay(
  ex: Exchange,
  upstream: IncomingMessage,
  interrupted: () => ErrorCode,
  settled: () => void,
): void {
  const provider = ex.provider;
  const plan = ex.plan;
  if (!provider || !plan) throw new Error("relay without a provider");
  const { res } = ex;
  const stream = isEventStream(upstream);
  const strip = stream && plan.stripUsageChunk;
  ex.streamed = stream;
  const status = upstream.statusCode ?? 502;
  res.writeHead(status, forwardableResponseHeaders(upstream.headers, { dropLength: strip }));
  if (stream) res.flushHeaders();

  const parser = stream ? new SseParser() : undefined;
  const state: StreamState = { usage: ex.usage, sawContent: false };
  const copy: Buffer[] = [];
  let copied = 0;
  let ended = false;
  const allowance = ex.outputAllowance;
  let streamedOutput = 0;

  const onData = (chunk: Buffer): void => {
    let out: Buffer | string = chunk;
    if (parser) {
      const events = parser.push(chunk);
      let kept = "";
      for (const ev of events) {
        const json = eventJson(ev);
        if (provider.adapter.onStreamEvent(ev, json, state) && ex.firstTokenAt === undefined) {
          ex.firstTokenAt = performance.now();
        }
        if (strip && !provider.adapter.isInjectedUsageEvent(json)) kept += ev.raw;
        if (allowance !== undefined) {
          streamedOutput += eventOutputTokens(json);
          if (streamedOutput > allowance) {
            cutForBudget(streamedOutput);
            return;
          }
        }
      }
      if (strip) out = kept;
    } else if (copied + chunk.length <= MAX_USAGE_COPY) {
      copy.push(chunk);
      copied += chunk.length;
    }
    if (out.length > 0 && !res.write(out)) {
      upstream.pause();
      res.once("drain", () => upstream.resume());
    }
  };

  // A budget would be crossed: end the stream with a final error event in the client's format
  // (like the kill switch) and stop reading the provider.
  const cutForBudget = (tokens: number): void => {
    ended = true;
    cleanup();
    upstream.destroy();
    ex.usage.outputTokens ??= tokens;
    settled();
    ex.fail(
      new GatewayError("insufficient_quota", {
        message: "Budget exhausted: the response was cut because it crossed the budget",
      }),
    );
  };

  const onEnd = (): void => {
    ended = true;
    cleanup();
    if (strip && parser) {
      const tail = parser.rest();
      if (tail) res.write(tail);
    }
    if (!parser && copied > 0 && copied <= MAX_USAGE_COPY) {
      try {
        Object.assign(
          ex.usage,
          definedOnly(provider.adapter.usageFromJson(JSON.parse(Buffer.concat(copy).toString("utf8")))),
        );
      } catch {
        // not JSON: usage stays unknown
      }
    }
    res.end();
    settled();
    ex.succeed(status);
  };

  const onClose = (): void => {
    if (ended) return;
    cleanup();
    settled();
    ex.failWith(interrupted());
  };

  const cleanup = (): void => {
    upstream.off("data", onData);
    upstream.off("end", onEnd);
    upstream.off("close", onClose);
    upstream.off("error", onClose);
  };

  upstream.on("data", onData);
  upstream.once("end", onEnd);
  upstream.once("close", onClose);
  upstream.once("error", onClose);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
