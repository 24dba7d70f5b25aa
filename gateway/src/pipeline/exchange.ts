// One client request from arrival to its last byte: what it matched, why it ended, and the one
// place that writes a gateway error (JSON before headers, an error event + ended socket inside a
// stream) and records the request's metrics exactly once.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { type ErrorCode, GatewayError, REASON_OK } from "../errors.ts";
import type { UpstreamPlan, Usage } from "../providers/types.ts";
import type { CompiledProvider } from "../snapshot/compile.ts";
import type { ClientFormat } from "../translate/catalogue.ts";
import { clientErrorBody, clientErrorEvent } from "../translate/client-errors.ts";

/** Why an exchange was cut short from outside the pipeline. */
export type AbortReason = "client_disconnected" | "route_killed" | "upstream_timeout";

export interface ExchangeOutcome {
  status: number;
  reason: string;
  durationS: number;
}

export class AbortError extends Error {
  readonly reason: AbortReason;
  constructor(reason: AbortReason) {
    super(reason);
    this.name = "AbortError";
    this.reason = reason;
  }
}

function noop(): void {}

export class Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The client's headers as received (the upstream attempt replaces req.headers). */
  readonly clientHeaders: IncomingHttpHeaders;
  readonly startedAt = performance.now();
  #abortReason: AbortReason | undefined;
  /** Called once when the exchange is aborted (plain callbacks: no EventTarget on the hot path). */
  #abortListeners: ((reason: AbortReason) => void)[] | undefined;
  /** Made only when a stage asks for an AbortSignal (retry sleeps, token exchanges). */
  #signal: AbortController | undefined;
  listener = "";
  routeId = "";
  backend = "";
  provider: CompiledProvider | undefined;
  plan: UpstreamPlan | undefined;
  usage: Usage = {};
  firstTokenAt: number | undefined;
  streamed = false;
  /** The API format the client speaks: the shape of the error bodies it gets. */
  clientFormat: ClientFormat = "openai";
  /** Output tokens a stream may carry before a budget is crossed (policy stage); undefined: no cap. */
  outputAllowance: number | undefined;
  /** Set once the outcome is final (metrics recorded). */
  done = false;
  #onDone: ((ex: Exchange, outcome: ExchangeOutcome) => void) | undefined;
  readonly #cleanups: (() => void)[] = [];

  constructor(
    req: IncomingMessage,
    res: ServerResponse,
    onDone: (ex: Exchange, outcome: ExchangeOutcome) => void,
  ) {
    this.req = req;
    this.res = res;
    this.clientHeaders = req.headers;
    this.#onDone = onDone;
  }

  /** Run when the exchange ends (timers, in-flight registration). */
  onFinish(fn: () => void): void {
    if (this.done) fn();
    else this.#cleanups.push(fn);
  }

  /** Aborted when the client leaves, the route is killed or the request timeout fires. */
  get signal(): AbortSignal {
    if (this.#signal === undefined) {
      this.#signal = new AbortController();
      if (this.#abortReason !== undefined) this.#signal.abort(new AbortError(this.#abortReason));
    }
    return this.#signal.signal;
  }

  get aborted(): boolean {
    return this.#abortReason !== undefined;
  }

  get abortReason(): AbortReason | undefined {
    return this.#abortReason;
  }

  /** Run `fn` when the exchange is aborted (at once if it already is); returns the unsubscribe. */
  onAbort(fn: (reason: AbortReason) => void): () => void {
    if (this.#abortReason !== undefined) {
      fn(this.#abortReason);
      return noop;
    }
    this.#abortListeners ??= [];
    const list = this.#abortListeners;
    list.push(fn);
    return () => {
      const i = list.indexOf(fn);
      if (i !== -1) list.splice(i, 1);
    };
  }

  abort(reason: AbortReason): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = reason;
    this.#signal?.abort(new AbortError(reason));
    const list = this.#abortListeners;
    this.#abortListeners = undefined;
    if (list) for (const fn of list) fn(reason);
  }

  /** The successful end: the response was relayed completely. */
  succeed(status: number): void {
    this.#finish(status, REASON_OK);
  }

  /** End with a gateway error: JSON before headers; inside a stream an error event, then the socket ends. */
  fail(err: GatewayError): void {
    if (this.done) return;
    const { res } = this;
    if (this.abortReason === "client_disconnected" || res.destroyed) {
      this.#finish(499, "client_disconnected");
      return;
    }
    if (!res.headersSent) {
      const body = JSON.stringify(
        this.clientFormat === "openai"
          ? err.wireBody()
          : clientErrorBody(this.clientFormat, err.status, err.body()),
      );
      res.writeHead(err.status, {
        ...err.headers,
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
      this.#finish(err.status, err.code);
      return;
    }
    // Inside a response: a stream gets an error event, then the socket ends without a clean finish.
    if (this.streamed && this.provider) {
      // a translated stream, or Vertex AI (two API families): the client's own format
      if (this.plan?.translator || this.provider.config.kind === "vertexai")
        res.write(clientErrorEvent(this.clientFormat, err.status, err.body()));
      else res.write(this.provider.adapter.streamErrorEvent(err.body().error));
    }
    res.socket?.end();
    if (!this.streamed) res.destroy();
    this.#finish(res.statusCode, err.code);
  }

  failWith(code: ErrorCode): void {
    this.fail(new GatewayError(code));
  }

  /** The client went away: nothing can be written any more. */
  clientGone(): void {
    this.abort("client_disconnected");
    this.#finish(499, "client_disconnected");
  }

  #finish(status: number, reason: string): void {
    if (this.done) return;
    this.done = true;
    for (const fn of this.#cleanups.splice(0)) fn();
    const onDone = this.#onDone;
    this.#onDone = undefined;
    onDone?.(this, { status, reason, durationS: (performance.now() - this.startedAt) / 1000 });
  }
}
