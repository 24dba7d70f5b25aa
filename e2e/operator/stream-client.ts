// A minimal snapshot-stream subscriber for tests: records every message, and acks (or rejects)
// each snapshot like a proxy would. Speaks gateway/src/snapshot/protocol.ts; used to observe the
// stream and to play a proxy that refuses snapshots.
import http from "node:http";
import { ACKS_PATH, PROXY_ID_HEADER, SNAPSHOTS_PATH } from "../../gateway/src/snapshot/protocol.ts";
import { Snapshot } from "../../gateway/src/snapshot/schema.ts";

export interface Received {
  at: number;
  snapshot: Snapshot;
}

export interface StreamClient {
  readonly snapshots: Received[];
  readonly pings: number;
  readonly status: number;
  latest(): Snapshot | undefined;
  close(): void;
  readonly closed: Promise<void>;
}

export interface StreamClientOptions {
  baseUrl: string;
  gateway: string;
  token: string;
  proxyId: string;
  /** undefined: never ack; true: accept; false: reject with `reason`. */
  ack?: boolean;
  reason?: string;
}

export function subscribe(opts: StreamClientOptions): Promise<StreamClient> {
  const url = `${opts.baseUrl}${SNAPSHOTS_PATH}/${opts.gateway}`;
  return new Promise((resolve, reject) => {
    const req = http.get(url, {
      headers: { authorization: `Bearer ${opts.token}`, [PROXY_ID_HEADER]: opts.proxyId },
    });
    req.on("error", reject);
    req.on("response", (res) => {
      const snapshots: Received[] = [];
      let pings = 0;
      let buffer = "";
      let closedResolve: () => void = () => {};
      const closed = new Promise<void>((r) => (closedResolve = r));
      res.on("close", () => closedResolve());
      res.on("data", (chunk: Buffer) => {
        buffer += chunk.toString("utf8");
        for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          if (line.trim() === "") continue;
          const msg = JSON.parse(line) as { type: string; snapshot?: unknown };
          if (msg.type === "ping") pings++;
          if (msg.type === "snapshot") {
            const snapshot = Snapshot.parse(msg.snapshot);
            snapshots.push({ at: Date.now(), snapshot });
            if (opts.ack !== undefined) void postAck(opts, snapshot);
          }
        }
      });
      resolve({
        snapshots,
        get pings() {
          return pings;
        },
        status: res.statusCode ?? 0,
        latest: () => snapshots.at(-1)?.snapshot,
        close: () => {
          req.destroy();
          res.destroy();
        },
        closed,
      });
    });
  });
}

export async function postAck(
  opts: Pick<StreamClientOptions, "baseUrl" | "gateway" | "token" | "proxyId" | "ack" | "reason">,
  snapshot: Pick<Snapshot, "version" | "hash">,
): Promise<number> {
  const res = await fetch(`${opts.baseUrl}${ACKS_PATH}`, {
    method: "POST",
    headers: { authorization: `Bearer ${opts.token}`, "content-type": "application/json" },
    body: JSON.stringify({
      gateway: opts.gateway,
      proxyId: opts.proxyId,
      version: snapshot.version,
      hash: snapshot.hash,
      accepted: opts.ack ?? true,
      ...(opts.ack === false ? { reason: opts.reason ?? "rejected by test" } : {}),
    }),
  });
  return res.status;
}
