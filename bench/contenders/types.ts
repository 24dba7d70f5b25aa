// A contender is something the data-plane bench sends the same chat completion through.
import type { Proc } from "../lib/proc.ts";

export type Upstream = {
  host: string;
  port: number;
  /** "mock": the fixed-JSON nginx; "simulator": the project's streaming simulator. */
  kind: "mock" | "simulator";
};

export type Server = { proc: Proc; host: string; port: number };

export type StartContext = {
  /** A fresh directory for this instance's config and logs. */
  dir: string;
  /** CPU the server under test is pinned to. */
  cpu?: string | undefined;
};

export type Running = {
  /** Full URL of the chat completions endpoint the client calls. */
  url: string;
  /** Extra headers the client sends (e.g. Portkey's provider/custom-host headers, a Host). */
  headers: Record<string, string>;
  /** Process (tree root) whose RSS is reported. */
  pid: number;
  /** Free text for the report, e.g. how the key reaches the upstream. */
  note?: string;
  /** The server's own last words (e.g. a stack trace), added to a failure reason. */
  diagnose?: () => string;
  stop(): Promise<void>;
};

export type Contender = {
  name: string;
  start(ctx: StartContext, up: Upstream): Promise<Running>;
};

/** Thrown when a contender cannot run here; the bench reports `reason` and goes on. */
export class Unavailable extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}
