// One upstream attempt on undici's dispatcher API (Pool.dispatch on the provider origin's pool): the
// gateway prepares everything beforehand — path, headers (credential injected), body Buffer — and
// this file only sends it and hands back the upstream status, headers and body chunks.
//
// Why dispatch and not Pool.request: request() wraps every answer in a Readable stream and ties
// cancellation to an AbortSignal (EventTarget listeners); the relay needs neither, only the chunks
// as they arrive and a way to pause, resume and abort. Why not http-proxy-3: the gateway never
// pipes the client request through (the body is read, checked and maybe rewritten first) and
// writes the client response itself (relay.ts), so a proxy library had nothing left to do but cost
// a ClientRequest, a Readable and its event plumbing per request.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { Dispatcher } from "undici";
import type { UpstreamTls } from "../snapshot/schema.ts";
import type { AgentPool } from "./agents.ts";

export interface UpstreamTarget {
  key: string;
  host: string;
  port: number;
  tls: boolean;
  /** policies.tls of the provider (CA, client certificate, SNI, ...). */
  upstreamTls?: UpstreamTls;
}

export interface AttemptSpec {
  target: UpstreamTarget;
  /** Host header value (host[:port]), also the origin's authority. */
  authority: string;
  method: string;
  /** Path and query string. */
  path: string;
  headers: OutgoingHttpHeaders;
  body: Buffer;
  /** Waiting for the response headers / between two body chunks; 0 = no limit. */
  headersTimeoutMs: number;
  bodyTimeoutMs: number;
}

/** Who reads an upstream body: every chunk in order, then exactly one of end() or error(). */
export interface BodySink {
  data(chunk: Buffer): void;
  end(): void;
  error(err: Error): void;
}

/** An upstream answer's body: chunks go to one sink, with flow control and abort. */
export interface UpstreamBody {
  /** Start delivering to `sink` (what arrived before is delivered at once). Once per body. */
  consume(sink: BodySink): void;
  /** Stop delivering (and reading the socket) until resume(). */
  pause(): void;
  resume(): void;
  /** Stop reading and drop the connection; the sink gets error(reason) unless it already ended. */
  destroy(reason?: Error): void;
}

/** A provider's answer: status, headers and the body. */
export interface UpstreamResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: UpstreamBody;
}

export type AttemptResult =
  | { kind: "response"; upstream: UpstreamResponse }
  | { kind: "error"; error: Error & { code?: string } };

/** A started attempt: its outcome, and how to cut it short (timeouts, client gone, kill switch). */
export interface Attempt {
  readonly result: Promise<AttemptResult>;
  /** Before the answer: result settles as an error with `reason`; after: the body errors. */
  abort(reason: Error): void;
}

/** undici times only the connect; the attempt times headers and body idle (AttemptHandler). */
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "AIGW_HEADERS_TIMEOUT", "AIGW_BODY_TIMEOUT"]);

/** The headers or body-idle timeout of an attempt ran out. */
export class UpstreamTimeoutError extends Error {
  readonly code: "AIGW_HEADERS_TIMEOUT" | "AIGW_BODY_TIMEOUT";
  constructor(phase: "headers" | "body", ms: number) {
    super(phase === "headers" ? `no response headers within ${ms} ms` : `no response data for ${ms} ms`);
    this.code = phase === "headers" ? "AIGW_HEADERS_TIMEOUT" : "AIGW_BODY_TIMEOUT";
  }
}

/** An attempt error that is a timeout (connect, headers, body idle). */
export function isTimeoutError(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === "string" && TIMEOUT_CODES.has(code);
}

function undiciHeaders(h: OutgoingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const k in h) {
    const v = h[k];
    if (v === undefined) continue;
    out[k] = typeof v === "number" ? String(v) : v;
  }
  return out;
}

const ENDED = 1;
const FAILED = 2;

function onIdleTimeout(body: DispatchBody): void {
  body.idleTimedOut();
}

/**
 * The body of one dispatched request: chunks are queued until a sink consumes them, or while paused.
 * With an idle timeout, a provider silent that long between chunks fails the body; the clock stops
 * while the gateway itself holds the body paused (a slow client is not a silent provider).
 */
class DispatchBody implements UpstreamBody {
  readonly #controller: Dispatcher.DispatchController;
  readonly #idleMs: number;
  #idle: NodeJS.Timeout | undefined;
  #sink: BodySink | undefined;
  #queue: Buffer[] = [];
  #paused = false;
  /** 0 while chunks may come; ENDED or FAILED once undici said so (delivered or not yet). */
  #state = 0;
  #error: Error | undefined;
  #delivered = false;

  constructor(controller: Dispatcher.DispatchController, idleMs: number) {
    this.#controller = controller;
    this.#idleMs = idleMs;
    this.#armIdle();
  }

  #armIdle(): void {
    if (this.#idleMs <= 0 || this.#state !== 0) return;
    if (this.#idle) this.#idle.refresh();
    else this.#idle = setTimeout(onIdleTimeout, this.#idleMs, this).unref();
  }

  #stopIdle(): void {
    if (this.#idle === undefined) return;
    clearTimeout(this.#idle);
    this.#idle = undefined;
  }

  idleTimedOut(): void {
    this.#idle = undefined;
    this.destroy(new UpstreamTimeoutError("body", this.#idleMs));
  }

  push(chunk: Buffer): void {
    if (this.#state !== 0) return;
    if (this.#idle) this.#idle.refresh();
    if (this.#sink === undefined || this.#paused || this.#queue.length > 0) this.#queue.push(chunk);
    else this.#sink.data(chunk);
  }

  finish(): void {
    if (this.#state !== 0) return;
    this.#stopIdle();
    this.#state = ENDED;
    this.#drain();
  }

  fail(err: Error): void {
    if (this.#state !== 0) return;
    this.#stopIdle();
    this.#state = FAILED;
    this.#error = err;
    // an error is not held back behind queued chunks: the answer is broken either way
    this.#queue = [];
    this.#drain();
  }

  consume(sink: BodySink): void {
    if (this.#sink) throw new Error("upstream body consumed twice");
    this.#sink = sink;
    this.#drain();
  }

  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#stopIdle();
    if (this.#state === 0) this.#controller.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#drain();
    if (this.#state === 0 && !this.#paused) {
      this.#armIdle();
      this.#controller.resume();
    }
  }

  destroy(reason: Error = new Error("upstream body destroyed")): void {
    if (this.#state !== 0) {
      // ended already: whatever is still queued is not wanted any more
      this.#queue = [];
      return;
    }
    if (!this.#controller.aborted) this.#controller.abort(reason);
    // undici reports the abort through onResponseError; make sure the sink hears it once either way
    this.fail(reason);
  }

  #drain(): void {
    const sink = this.#sink;
    if (sink === undefined) return;
    while (this.#queue.length > 0 && !this.#paused) {
      const chunk = this.#queue.shift() as Buffer;
      sink.data(chunk);
      // the sink may have destroyed the body meanwhile
      if (this.#state === FAILED) break;
    }
    if (this.#delivered || this.#paused || this.#queue.length > 0) return;
    if (this.#state === ENDED) {
      this.#delivered = true;
      sink.end();
    } else if (this.#state === FAILED) {
      this.#delivered = true;
      sink.error(this.#error as Error);
    }
  }
}

function onHeadersTimeout(handler: AttemptHandler): void {
  handler.headersTimedOut();
}

/**
 * The dispatch handler of one attempt (undici's controller-based handler API). It times the
 * headers and the body's idle gaps itself, with Node's timers, and undici times neither: undici
 * makes a new timer whenever the timeout it arms changes (keep-alive, headers, body: three per
 * request) and keeps cleared ones in its list until its next 1 s tick, long enough for them to be
 * promoted to the old generation. Node's timers are unlinked when cleared and die young.
 */
class AttemptHandler implements Dispatcher.DispatchHandler {
  #controller: Dispatcher.DispatchController | undefined;
  #body: DispatchBody | undefined;
  #settle: ((r: AttemptResult) => void) | undefined;
  #abortReason: Error | undefined;
  readonly #headersMs: number;
  readonly #idleMs: number;
  #headersTimer: NodeJS.Timeout | undefined;

  constructor(settle: (r: AttemptResult) => void, headersMs: number, idleMs: number) {
    this.#settle = settle;
    this.#headersMs = headersMs;
    this.#idleMs = idleMs;
    if (headersMs > 0) this.#headersTimer = setTimeout(onHeadersTimeout, headersMs, this).unref();
  }

  headersTimedOut(): void {
    this.#headersTimer = undefined;
    this.abort(new UpstreamTimeoutError("headers", this.#headersMs));
  }

  abort(reason: Error): void {
    if (this.#body) {
      this.#body.destroy(reason);
      return;
    }
    if (this.#abortReason) return;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
    this.#done({ kind: "error", error: reason });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    // aborted while waiting in the pool's queue: cancel as soon as undici lets us
    if (this.#abortReason) controller.abort(this.#abortReason);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    if (this.#abortReason) return;
    const body = new DispatchBody(controller, this.#idleMs);
    this.#body = body;
    this.#done({ kind: "response", upstream: { statusCode, headers, body } });
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#body?.push(chunk);
  }

  onResponseEnd(): void {
    this.#body?.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController | null, error: Error): void {
    if (this.#body) this.#body.fail(error);
    else this.#done({ kind: "error", error });
  }

  #done(r: AttemptResult): void {
    if (this.#headersTimer !== undefined) {
      clearTimeout(this.#headersTimer);
      this.#headersTimer = undefined;
    }
    const settle = this.#settle;
    this.#settle = undefined;
    settle?.(r);
  }
}

export class Forwarder {
  readonly #pools: AgentPool;

  constructor(pools: AgentPool) {
    this.#pools = pools;
  }

  /** Send one attempt. */
  start(spec: AttemptSpec): Attempt {
    const origin = `${spec.target.tls ? "https" : "http"}://${spec.authority}`;
    const pool = this.#pools.get(spec.target.key, origin, spec.target.upstreamTls);
    const sni = spec.target.tls ? spec.target.upstreamTls?.sni : undefined;
    let settle!: (r: AttemptResult) => void;
    const result = new Promise<AttemptResult>((resolve) => {
      settle = resolve;
    });
    const handler = new AttemptHandler(settle, spec.headersTimeoutMs, spec.bodyTimeoutMs);
    pool.dispatch(
      {
        method: spec.method as Dispatcher.HttpMethod,
        path: spec.path,
        headers: undiciHeaders(spec.headers),
        body: spec.body.length > 0 ? spec.body : null,
        // timed by the handler (see AttemptHandler)
        headersTimeout: 0,
        bodyTimeout: 0,
        // undici takes the SNI from the Host header; policies.tls sni replaces it
        ...(sni !== undefined ? { servername: sni } : {}),
      },
      handler,
    );
    return { result, abort: (reason) => handler.abort(reason) };
  }
}
