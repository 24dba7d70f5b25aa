// Relay a successful upstream answer to the client. Streams (text/event-stream) go through
// unbuffered: bytes are written as they arrive and usage is parsed on the side; only when the
// gateway asked for stream usage itself are events re-emitted one by one, minus the usage-only
// chunk. JSON answers are passed through while a bounded copy is kept to read usage at the end.
// An upstream that dies mid-answer ends the client response with an error (never a clean finish).
// A translated answer (plan.translator) is re-framed on the way: each stream event as it arrives,
// a JSON answer once it is complete (its headers wait for it).
import type { IncomingMessage } from "node:http";
import type { ErrorCode } from "../errors.ts";
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
  const translator = plan.translator;
  const strip = stream && plan.stripUsageChunk && !translator;
  ex.streamed = stream;
  const status = upstream.statusCode ?? 502;
  const headers = forwardableResponseHeaders(upstream.headers, {
    dropLength: strip || translator !== undefined,
  });
  const holdHeaders = translator !== undefined && !stream;
  if (!holdHeaders) res.writeHead(status, headers);
  if (stream) res.flushHeaders();

  const parser = stream ? new SseParser() : undefined;
  const state: StreamState = { usage: ex.usage, sawContent: false };
  const copy: Buffer[] = [];
  let copied = 0;
  let ended = false;

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
        if (translator) kept += translator.event(ev.data, json);
        else if (strip && !provider.adapter.isInjectedUsageEvent(json)) kept += ev.raw;
      }
      if (strip || translator) out = kept;
    } else {
      if (copied + chunk.length <= MAX_USAGE_COPY) copy.push(chunk);
      copied += chunk.length;
      if (holdHeaders) return;
    }
    if (out.length > 0 && !res.write(out)) {
      upstream.pause();
      res.once("drain", () => upstream.resume());
    }
  };

  const onEnd = (): void => {
    ended = true;
    cleanup();
    if (strip && parser) {
      const tail = parser.rest();
      if (tail) res.write(tail);
    }
    if (translator && parser) res.write(translator.end());
    let json: unknown;
    if (!parser && copied > 0 && copied <= MAX_USAGE_COPY) {
      try {
        json = JSON.parse(Buffer.concat(copy).toString("utf8"));
        Object.assign(ex.usage, definedOnly(provider.adapter.usageFromJson(json)));
      } catch {
        // not JSON: usage stays unknown
      }
    }
    if (holdHeaders) {
      if (json === undefined) {
        settled();
        ex.failWith("upstream_interrupted");
        return;
      }
      const text = JSON.stringify(translator.json(json));
      res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(text) });
      res.end(text);
      settled();
      ex.succeed(status);
      return;
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
