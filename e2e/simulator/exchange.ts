// One request's lifetime: an AbortSignal that fires when the connection goes away (client abort,
// server-side cut/reset, simulator close), and the record's `aborted` flag — set only when the
// client left before the answer was complete, not when the simulator closed the connection.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RecordedRequest } from "./types.ts";

export interface Exchange {
  signal: AbortSignal;
  /** RST at once (the "reset" fault). */
  reset(): void;
  /** Flush what was written, then close (the "cut" fault). */
  cut(): void;
}

export interface Inflight {
  /** True while the simulator itself is closing connections. */
  closing: boolean;
  controllers: Set<AbortController>;
}

export function openExchange(
  req: IncomingMessage,
  res: ServerResponse,
  record: RecordedRequest | undefined,
  inflight: Inflight,
): Exchange {
  const ac = new AbortController();
  let closedByUs = false;
  inflight.controllers.add(ac);
  res.once("close", () => {
    inflight.controllers.delete(ac);
    if (record && !res.writableFinished && !closedByUs && !inflight.closing) record.aborted = true;
    ac.abort();
  });
  const socket = req.socket;
  return {
    signal: ac.signal,
    reset() {
      closedByUs = true;
      socket.resetAndDestroy();
    },
    cut() {
      closedByUs = true;
      socket.once("finish", () => socket.destroy());
      socket.end();
    },
  };
}
