// Relay a successful upstream answer to the client. Streams (text/event-stream) go through
// unbuffered: bytes are written as they arrive and usage is parsed on the side; only when the
// gateway asked for stream usage itself are events re-emitted one by one, minus the usage-only
// chunk. JSON answers are passed through while a bounded copy is kept to read usage at the end.
// An upstream that dies mid-answer ends the client response with an error (never a clean finish).
// A translated answer (plan.translator) is re-framed on the way: each stream event as it arrives,
// a JSON answer once it is complete (its headers wait for it; up to MAX_USAGE_COPY bytes).
import { type ErrorCode, GatewayError } from "../errors.ts";
import { eventOutputTokens } from "../policy/stream-meter.ts";
import { eventJson, type SseEvent, SseParser } from "../providers/sse.ts";
import type { JsonObject, StreamState } from "../providers/types.ts";
import { AWS_EVENT_STREAM, AwsEventStreamParser } from "./aws-stream.ts";
import type { Exchange } from "./exchange.ts";
import type { UpstreamResponse } from "./forward.ts";
import { forwardableResponseHeaders } from "./headers.ts";
import { isScanError, scanJson } from "./json-scan.ts";

const MAX_USAGE_COPY = 8 * 1024 * 1024;

export function isEventStream(upstream: Pick<UpstreamResponse, "headers">): boolean {
  const ct = upstream.headers["content-type"];
  return typeof ct === "string" && ct.toLowerCase().startsWith("text/event-stream");
}

/** An AWS event-stream answer (Bedrock ConverseStream): relayed as SSE once translated. */
export function isAwsEventStream(upstream: Pick<UpstreamResponse, "headers">): boolean {
  const ct = upstream.headers["content-type"];
  return typeof ct === "string" && ct.toLowerCase().startsWith(AWS_EVENT_STREAM);
}

/**
 * Relay `upstream` into ex.res. `interrupted()` names why the upstream stopped early (a timeout or
 * kill that the pipeline caused, else upstream_interrupted). `settled` runs once, at the end.
 */
export function relay(
  ex: Exchange,
  upstream: UpstreamResponse,
  interrupted: (err: Error | undefined) => ErrorCode,
  settled: () => void,
): void {
  const provider = ex.provider;
  const plan = ex.plan;
  if (!provider || !plan) throw new Error("relay without a provider");
  const { res } = ex;
  const translator = plan.translator;
  // an event stream can only be relayed translated (into the client's SSE)
  const aws = translator !== undefined && isAwsEventStream(upstream);
  const stream = aws || isEventStream(upstream);
  const strip = stream && plan.stripUsageChunk && !translator;
  ex.streamed = stream;
  const status = upstream.statusCode;
  const body = upstream.body;
  const headers = forwardableResponseHeaders(upstream.headers, {
    dropLength: strip || translator !== undefined,
  });
  if (aws) headers["content-type"] = "text/event-stream; charset=utf-8";
  const holdHeaders = translator !== undefined && !stream;
  if (!holdHeaders) res.writeHead(status, headers);
  if (stream) res.flushHeaders();

  const parser = aws ? new AwsEventStreamParser() : stream ? new SseParser() : undefined;
  const state: StreamState = { usage: ex.usage, sawContent: false };
  const copy: Buffer[] = [];
  let copied = 0;
  let ended = false;
  const allowance = ex.outputAllowance;
  let streamedOutput = 0;

  const onData = (chunk: Buffer): void => {
    let out: Buffer | string = chunk;
    if (parser) {
      let events: SseEvent[];
      try {
        events = parser.push(chunk);
      } catch (err) {
        // a corrupt event-stream frame: the answer cannot go on
        const e = err instanceof Error ? err : new Error("corrupt stream");
        onClose(e);
        body.destroy(e);
        return;
      }
      let kept = "";
      for (const ev of events) {
        const json = eventJson(ev);
        if (provider.adapter.onStreamEvent(ev, json, state) && ex.firstTokenAt === undefined) {
          ex.firstTokenAt = performance.now();
        }
        if (translator) kept += translator.event(ev.data, json);
        else if (strip && !provider.adapter.isInjectedUsageEvent(json)) kept += ev.raw;
        if (allowance !== undefined) {
          streamedOutput += eventOutputTokens(json);
          if (streamedOutput > allowance) {
            cutForBudget(streamedOutput);
            return;
          }
        }
      }
      if (strip || translator) out = kept;
    } else {
      if (copied + chunk.length <= MAX_USAGE_COPY) copy.push(chunk);
      copied += chunk.length;
      if (holdHeaders) return;
    }
    if (out.length > 0 && !res.write(out)) {
      body.pause();
      res.once("drain", resume);
    }
  };
  const resume = (): void => body.resume();

  // A budget would be crossed: end the stream with a final error event in the client's format
  // (like the kill switch) and stop reading the provider.
  const cutForBudget = (tokens: number): void => {
    ended = true;
    body.destroy();
    ex.usage.outputTokens ??= tokens;
    settled();
    ex.fail(
      new GatewayError("insufficient_quota", {
        message: "Budget exhausted: the response was cut because it crossed the budget",
      }),
    );
  };

  const onEnd = (): void => {
    if (ended) return;
    ended = true;
    if (strip && parser) {
      const tail = parser.rest();
      if (tail) res.write(tail);
    }
    if (translator && parser) res.write(translator.end());
    const whole = !parser && copied > 0 && copied <= MAX_USAGE_COPY;
    const buf = whole ? (copy.length === 1 ? (copy[0] as Buffer) : Buffer.concat(copy, copied)) : undefined;
    if (holdHeaders) {
      // the whole answer is needed to translate it
      let json: unknown;
      try {
        json = buf ? JSON.parse(buf.toString("utf8")) : undefined;
      } catch {
        json = undefined;
      }
      if (json === undefined) {
        settled();
        ex.failWith("upstream_interrupted");
        return;
      }
      if (typeof json === "object" && json !== null && !Array.isArray(json))
        Object.assign(ex.usage, definedOnly(provider.adapter.usageFromJson(json as JsonObject)));
      const text = JSON.stringify(translator.json(json));
      res.writeHead(status, { ...headers, "content-length": Buffer.byteLength(text) });
      res.end(text);
      settled();
      ex.succeed(status);
      return;
    }
    if (buf) {
      const usage = usageMembers(buf);
      // not a JSON object: usage stays unknown
      if (usage) Object.assign(ex.usage, definedOnly(provider.adapter.usageFromJson(usage)));
    }
    res.end();
    settled();
    ex.succeed(status);
  };

  const onClose = (err?: Error): void => {
    if (ended) return;
    ended = true;
    settled();
    ex.failWith(interrupted(err));
  };

  body.consume({
    data: (chunk) => {
      if (!ended) onData(chunk);
    },
    end: onEnd,
    error: onClose,
  });
}

/** Top-level members any adapter reads usage from (OpenAI/Anthropic, Gemini). */
const USAGE_MEMBERS: ReadonlySet<string> = new Set(["usage", "model", "usageMetadata", "modelVersion"]);

/** Answers up to this size are parsed natively (faster than the scan, and small enough to build). */
const NATIVE_PARSE_MAX = 64 * 1024;

/** The usage members of a JSON answer; a large answer is validated by the scan, never built. */
function usageMembers(buf: Buffer): JsonObject | undefined {
  if (buf.length <= NATIVE_PARSE_MAX) {
    try {
      const json: unknown = JSON.parse(buf.toString("utf8"));
      return typeof json === "object" && json !== null && !Array.isArray(json)
        ? (json as JsonObject)
        : undefined;
    } catch {
      return undefined;
    }
  }
  const scan = scanJson(buf, USAGE_MEMBERS);
  if (isScanError(scan)) return undefined;
  const out: JsonObject = {};
  for (const [name, r] of scan.picked) out[name] = JSON.parse(buf.toString("utf8", r.start, r.end));
  return out;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
