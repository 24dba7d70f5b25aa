// The admin endpoints: /health (liveness), /ready (a snapshot is applied and its listeners are
// open, and not shutting down), /metrics (this process's registry) and /config_dump (the served
// snapshot, every credential and key hash redacted; it shows routes, backends and limits, so it
// answers only to loopback clients: `kubectl port-forward`).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { errorBody } from "./errors.ts";
import { redactSnapshot } from "./snapshot/redact.ts";
import type { SnapshotStore } from "./snapshot/store.ts";

/** A Registry, or anything that renders metrics like one (a worker-mode primary's aggregate). */
export type MetricsSource = Pick<Registry, "metrics" | "contentType">;

export interface AdminDeps {
  store: SnapshotStore;
  registry: MetricsSource;
  /** True while shutting down: /ready answers 503 so endpoints drop this proxy. */
  draining?: () => boolean;
  /** False while a listener of the served snapshot is not open (yet, or failed to open). */
  listenersOpen?: () => boolean;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

export function createAdminHandler(deps: AdminDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const path = new URL(req.url ?? "/", "http://admin.invalid").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") {
      json(res, 405, { error: { message: "Method not allowed", type: "invalid_request_error" } });
      return;
    }
    switch (path) {
      case "/health":
        return json(res, 200, { status: "ok" });
      case "/ready": {
        const version = deps.store.version;
        if (deps.draining?.()) return json(res, 503, { ready: false, reason: "shutting down" });
        if (version === undefined) return json(res, 503, { ready: false, reason: "no snapshot applied yet" });
        if (deps.listenersOpen?.() === false)
          return json(res, 503, { ready: false, reason: "listeners not open", version });
        return json(res, 200, { ready: true, version });
      }
      case "/metrics":
        deps.registry.metrics().then(
          (text) => {
            res.writeHead(200, { "content-type": deps.registry.contentType });
            res.end(text);
          },
          () => json(res, 500, errorBody("internal_error")),
        );
        return;
      case "/config_dump": {
        if (!isLoopback(req.socket.remoteAddress)) return json(res, 403, errorBody("admin_loopback_only"));
        const current = deps.store.current;
        if (!current) return json(res, 503, errorBody("no_snapshot"));
        return json(res, 200, redactSnapshot(current.snapshot));
      }
      default:
        return json(res, 404, { error: { message: "Not found", type: "not_found_error" } });
    }
  };
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.startsWith("::ffff:") ? address.slice(7) : address;
  return a === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}
